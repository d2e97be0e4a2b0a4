// Small DOM helpers shared by every module. Text from outside (Rust, Spotify, the keychain) only
// ever goes in through textContent: it stays inert.

export const $ = (id) => document.getElementById(id);

const FALLBACK = "Something went wrong. Please try again.";

/** The sentence of a rejected command ({ code, message, detail }) or of anything thrown. */
export function errorText(err) {
  if (err && typeof err === "object" && typeof err.message === "string" && err.message) return err.message;
  if (typeof err === "string" && err) return err;
  const s = String(err);
  return s && s !== "[object Object]" ? s : FALLBACK;
}

/**
 * The platform's own words (say, a D-Bus error), folded away under "Technical details" so the
 * sentence stays the message; null when there are none.
 */
export function detailsBlock(detail) {
  if (typeof detail !== "string" || !detail) return null;
  const box = document.createElement("details");
  box.className = "tech-details";
  const summary = document.createElement("summary");
  summary.textContent = "Technical details";
  const text = document.createElement("code");
  text.className = "selectable";
  text.textContent = detail;
  box.append(summary, text);
  return box;
}

/** One error, once: its sentence, and its detail (if any) behind a disclosure. */
export function showError(el, err) {
  if (!el) return;
  const sentence = document.createElement("span");
  sentence.textContent = errorText(err);
  const details = detailsBlock(err && typeof err === "object" ? err.detail : null);
  el.replaceChildren(...(details ? [sentence, details] : [sentence]));
  el.hidden = false;
}

export function clearError(el) {
  if (!el) return;
  el.replaceChildren();
  el.hidden = true;
}

/** Says `text` to screen readers (a fresh text node, so repeats are announced too). */
export function announce(text) {
  const el = $("announcer");
  el.textContent = "";
  window.setTimeout(() => { el.textContent = text; }, 50);
}

/** Shows "Copied" on a copy button for 2 s. */
export function flashCopied(button) {
  const label = button.querySelector(".btn-label");
  if (!label) return;
  if (!button.dataset.label) button.dataset.label = label.textContent;
  label.textContent = "Copied";
  button.classList.add("is-done");
  announce("Copied to the clipboard");
  window.clearTimeout(Number(button.dataset.timer || 0));
  button.dataset.timer = String(window.setTimeout(() => {
    label.textContent = button.dataset.label;
    button.classList.remove("is-done");
  }, 2000));
}
