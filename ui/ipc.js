// The one module that talks to Rust (docs/IPC.md): `invoke` and `listen`, nothing else does.
// What arrives is status and settings DTOs and { code, message, detail } errors — never a
// token, code, verifier or secret.
import { clearError, showError } from "./dom.js";

const NO_APP = { code: "no_tauri", message: "spotkey’s window can’t reach the app. Restart spotkey." };

function tauri() {
  const t = window.__TAURI__;
  return t && t.core && t.event ? t : null;
}

export function invoke(cmd, args) {
  const t = tauri();
  return t ? t.core.invoke(cmd, args) : Promise.reject(NO_APP);
}

/** The status Rust had when it built this window (an initialization script), if any. */
export function injectedStatus() {
  return window.__SPOTKEY_STATUS__;
}

/** Calls `handler` with every `status` event; resolves once listening (false: cannot). */
export async function onStatus(handler) {
  const t = tauri();
  if (!t) return false;
  try {
    await t.event.listen("status", (e) => handler(e.payload));
    return true;
  } catch (err) {
    console.error("spotkey: could not listen for status events", err);
    return false;
  }
}

/**
 * Runs a command with its buttons disabled (no double submits) and its error shown in errorEl.
 * Never throws: resolves to { ok: true, value } or { ok: false, error }.
 */
export async function run(cmd, args, { button = null, errorEl = null } = {}) {
  const buttons = Array.isArray(button) ? button : button ? [button] : [];
  for (const b of buttons) { b.disabled = true; b.setAttribute("aria-busy", "true"); }
  clearError(errorEl);
  try {
    return { ok: true, value: await invoke(cmd, args) };
  } catch (error) {
    showError(errorEl, error);
    return { ok: false, error };
  } finally {
    for (const b of buttons) { b.disabled = false; b.removeAttribute("aria-busy"); }
  }
}
