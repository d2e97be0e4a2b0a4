// Saving the app's Client ID and secret, from the first-run screen and from settings. Rust
// checks the Client ID and decides when saving would sign out; its words are shown as they are.
import { confirmDialog } from "./dialogs.js";
import { $, clearError, flashCopied } from "./dom.js";
import { run } from "./ipc.js";
import { render } from "./render.js";

/**
 * save_credentials. When Rust answers `confirm_sign_out` (a new Client ID or secret while
 * signed in), its sentence is the question; saved again only once the user agrees.
 * Resolves to the new status, or null (not saved; the error is in errorEl).
 */
export async function saveCredentials({ clientId, clientSecret, button, errorEl, field }) {
  const opts = { button, errorEl };
  field.removeAttribute("aria-invalid");
  let r = await run("save_credentials", { clientId, clientSecret, confirmSignOut: false }, opts);
  if (!r.ok && r.error && r.error.code === "confirm_sign_out") {
    clearError(errorEl);
    const ok = await confirmDialog({
      title: "Sign out to save?",
      body: [r.error.message],
      ok: "Save and sign out",
      danger: true,
    });
    if (!ok) return null;
    r = await run("save_credentials", { clientId, clientSecret, confirmSignOut: true }, opts);
  }
  if (!r.ok) {
    if (r.error && r.error.code === "invalid_config") {
      field.setAttribute("aria-invalid", "true");
      field.focus();
    }
    return null;
  }
  render(r.value);
  return r.value;
}

export async function copy(what, button, errorEl) {
  const r = await run("copy_text", { what }, { button, errorEl });
  if (r.ok) flashCopied(button);
}

$("setup-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const button = $("save-credentials");
  if (button.disabled) return;
  const field = $("client-id");
  const secret = $("client-secret").value.trim();
  const saved = await saveCredentials({
    clientId: field.value.trim(),
    clientSecret: secret || null,
    button,
    errorEl: $("setup-error"),
    field,
  });
  if (saved) $("client-secret").value = "";
});

$("copy-redirect-uri").addEventListener("click", (ev) => copy("redirect_uri", ev.currentTarget, $("setup-copy-error")));
