// How times, dates, countries and plans read in the window (the user's locale).

export const nowSeconds = () => Date.now() / 1000;

export function formatDuration(seconds) {
  const mins = Math.ceil(seconds / 60);
  if (!(mins > 1)) return "under a minute";
  if (mins < 60) return `${mins}\u00a0min`;
  const h = Math.floor(mins / 60);
  const m = mins % 60;
  return m ? `${h}\u00a0h ${m}\u00a0min` : `${h}\u00a0h`;
}

export function formatDate(seconds) {
  const date = new Date(seconds * 1000);
  try {
    return date.toLocaleDateString(undefined, { year: "numeric", month: "long", day: "numeric" });
  } catch {
    return date.toDateString();
  }
}

export function countryName(code) {
  try {
    const name = new Intl.DisplayNames(undefined, { type: "region" }).of(code);
    return name && name !== code ? `${name} (${code})` : code;
  } catch {
    return code;
  }
}

export function capitalize(s) {
  return s ? s.charAt(0).toUpperCase() + s.slice(1) : s;
}
