// How times, dates and plans read in the window: in English, like the rest of it, and without
// Intl (whose first use loads ICU's data in the middle of the first screen). Country names come
// from Rust, as `country_label`.

export const nowSeconds = () => Date.now() / 1000;

export function formatDuration(seconds) {
  const mins = Math.ceil(seconds / 60);
  if (!(mins > 1)) return "under a minute";
  if (mins < 60) return `${mins}\u00a0min`;
  const h = Math.floor(mins / 60);
  const m = mins % 60;
  return m ? `${h}\u00a0h ${m}\u00a0min` : `${h}\u00a0h`;
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December"];

/**
 * "May 25, 2027", in the local time zone. In English like the rest of the window, from the
 * date's own fields: `toLocaleDateString` loads ICU's locale data on first use, ~10 ms of the
 * first screen's frame.
 */
export function formatDate(seconds) {
  const date = new Date(seconds * 1000);
  const month = MONTHS[date.getMonth()];
  return month ? `${month} ${date.getDate()}, ${date.getFullYear()}` : "an unknown date";
}

export function capitalize(s) {
  return s ? s.charAt(0).toUpperCase() + s.slice(1) : s;
}
