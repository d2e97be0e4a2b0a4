// The one confirm dialog: a title, paragraphs, a safe Cancel (focused) and the action.
import { $ } from "./dom.js";

const dialog = $("confirm-dialog");
let pending = null;

export const dialogOpen = () => dialog.open;

/** body: array of strings and Nodes, each item one paragraph (a nested array = inline parts). */
export function confirmDialog({ title, body, ok, danger = false }) {
  $("confirm-title").textContent = title;
  $("confirm-message").replaceChildren(...body.map((para) => {
    const p = document.createElement("p");
    p.append(...(Array.isArray(para) ? para : [para]));
    return p;
  }));
  const okBtn = $("confirm-ok");
  okBtn.textContent = ok;
  okBtn.classList.toggle("btn-danger", danger);
  okBtn.classList.toggle("btn-primary", !danger);
  if (pending) pending(false);
  dialog.returnValue = "";
  return new Promise((resolve) => {
    pending = resolve;
    dialog.showModal();
    $("confirm-cancel").focus(); // the safe choice has focus
  });
}

dialog.addEventListener("close", () => {
  const resolve = pending;
  pending = null;
  if (resolve) resolve(dialog.returnValue === "ok");
});
$("confirm-ok").addEventListener("click", () => dialog.close("ok"));
$("confirm-cancel").addEventListener("click", () => dialog.close("cancel"));

export function codeChip(text) {
  const c = document.createElement("code");
  c.className = "code-chip selectable";
  c.textContent = text;
  return c;
}

/** Spotify has no revoke API: every sign-out says where to remove the access for good. */
export function revokeHint() {
  return ["Spotify has no way for apps to revoke access; to remove it completely visit ",
    codeChip("https://www.spotify.com/account/apps/"), "."];
}
