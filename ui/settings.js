// The settings screen: app credentials, permissions, start-up, tray, sign out, forget the app.
import { copy, saveCredentials } from "./credentials.js";
import { confirmDialog, dialogOpen, revokeHint } from "./dialogs.js";
import { $, announce, clearError } from "./dom.js";
import { run } from "./ipc.js";
import { render, setSettingsHooks, showScreen } from "./render.js";
import { state } from "./state.js";

const ERRORS = ["settings-error", "settings-credentials-error", "scopes-error", "startup-error", "account-error"];

export async function openSettings() {
  if (state.settingsOpen || (state.status && state.status.setup_needed)) return;
  state.settingsOpen = true;
  for (const id of ERRORS) clearError($(id));
  $("scopes-status").hidden = true;
  $("scopes-consent").hidden = true;
  $("settings-client-id").removeAttribute("aria-invalid");
  if (state.settings) fillSettings(state.settings);
  if (state.status) render(state.status); else showScreen("settings");
  $("settings-title").focus({ preventScroll: true });
  window.scrollTo(0, 0);
  const r = await run("get_settings", undefined, { errorEl: $("settings-error") });
  if (r.ok && state.settingsOpen) {
    state.settings = r.value;
    fillSettings(r.value);
  }
}

export function closeSettings({ focusGear = true } = {}) {
  if (!state.settingsOpen) return;
  state.settingsOpen = false;
  $("settings-client-secret").value = "";
  if (state.status) render(state.status);
  if (focusGear && !$("open-settings").hidden) $("open-settings").focus();
}

setSettingsHooks({
  closeForSetup: () => closeSettings({ focusGear: false }),
  // Parts of the settings screen that follow the live status (not the user's edits).
  renderStatus: (status) => { $("sign-out-row").hidden = status.connection !== "signed_in"; },
});

function fillSettings(s) {
  $("settings-client-id").value = s.client_id || "";
  const secret = $("settings-client-secret");
  secret.value = "";
  secret.disabled = false;
  secret.placeholder = s.has_client_secret ? "•••••• saved" : "";
  $("settings-client-secret-hint").textContent = s.has_client_secret
    ? "Leave empty to keep the saved secret, or type a new one to replace it."
    : "Leave empty to use PKCE (recommended for desktop apps).";
  $("remove-secret-row").hidden = !s.has_client_secret;
  $("remove-secret").checked = false;
  fillScopes(s);
  fillStartup(s);
}

function fillStartup(s) {
  $("autostart").checked = !!s.autostart;
  $("start-hidden").checked = !!s.start_hidden;
  renderTray(s);
}

/**
 * The tray's part of the settings. With no tray on this desktop, Rust sends one sentence why
 * (`tray_unavailable`): the start-up choices can then be turned off but not on, and the sentence
 * shows, as text, under them.
 */
function renderTray(s) {
  const why = typeof s.tray_unavailable === "string" ? s.tray_unavailable : "";
  for (const id of ["autostart", "start-hidden"]) $(id).disabled = !!why && !$(id).checked;
  $("tray-unavailable").textContent = why;
  $("tray-unavailable").hidden = !why;
}

function scopeRow({ name, description }, checked) {
  const label = document.createElement("label");
  label.className = "check";
  const input = document.createElement("input");
  input.type = "checkbox";
  input.name = "scope";
  input.value = name;
  input.checked = checked;
  const text = document.createElement("span");
  text.className = "scope-text";
  const desc = document.createElement("span");
  desc.textContent = description || name;
  text.append(desc);
  if (description) {
    const code = document.createElement("span");
    code.className = "scope-name";
    code.textContent = name;
    text.append(code);
  }
  label.append(input, text);
  return label;
}

function fillScopes(s) {
  const selected = new Set(Array.isArray(s.scopes) ? s.scopes : []);
  const available = Array.isArray(s.available_scopes) ? s.available_scopes.filter((x) => x && x.name) : [];
  for (const name of selected) {
    if (!available.some((x) => x.name === name)) available.push({ name, description: "" });
  }
  $("scope-list").replaceChildren(...available.map((scope) => scopeRow(scope, selected.has(scope.name))));
}

async function saveSettingsCredentials(ev) {
  ev.preventDefault();
  const button = $("save-settings-credentials");
  if (button.disabled) return;
  const field = $("settings-client-id");
  const clientId = field.value.trim();
  // null keeps the stored secret, a string replaces it, "" removes it (PKCE).
  const typed = $("settings-client-secret").value.trim();
  const clientSecret = $("remove-secret").checked ? "" : (typed || null);
  const saved = await saveCredentials({ clientId, clientSecret, button, errorEl: $("settings-credentials-error"), field });
  if (!saved) return;
  if (state.settings) {
    state.settings.client_id = clientId;
    if (clientSecret !== null) state.settings.has_client_secret = clientSecret !== "";
  }
  announce("Credentials saved");
  closeSettings();
}

async function saveScopes(ev) {
  ev.preventDefault();
  const button = $("save-scopes");
  if (button.disabled) return;
  const scopes = Array.from(document.querySelectorAll("input[name=scope]:checked"), (i) => i.value);
  $("scopes-status").hidden = true;
  $("scopes-consent").hidden = true;
  const before = state.status && state.status.account ? state.status.account.scopes || [] : [];
  const r = await run("save_scopes", { scopes }, { button, errorEl: $("scopes-error") });
  if (!r.ok) return;
  if (state.settings) state.settings.scopes = scopes;
  render(r.value);
  const account = r.value && r.value.account;
  if (account && account.needs_consent) {
    $("scopes-consent").hidden = false;
  } else {
    const removed = before.some((s) => !scopes.includes(s));
    $("scopes-status").textContent = removed ? "Saved. Removed permissions take effect at your next sign-in." : "Saved.";
    $("scopes-status").hidden = false;
  }
}

async function savePreferences() {
  const autostart = $("autostart");
  const startHidden = $("start-hidden");
  const prev = state.settings ? { a: !!state.settings.autostart, h: !!state.settings.start_hidden } : null;
  const r = await run("save_preferences", { autostart: autostart.checked, startHidden: startHidden.checked },
    { button: [autostart, startHidden], errorEl: $("startup-error") });
  if (r.ok && r.value && typeof r.value === "object") {
    state.settings = Object.assign(state.settings || {}, r.value);
    fillStartup(state.settings);
  } else if (!r.ok && prev) {
    autostart.checked = prev.a;
    startHidden.checked = prev.h;
  }
  if (!r.ok && state.settings) renderTray(state.settings);
}

async function signOut(ev) {
  const button = ev.currentTarget;
  const ok = await confirmDialog({
    title: "Sign out of Spotify?",
    body: ["spotkey will delete the grant from this computer.", revokeHint()],
    ok: "Sign out",
    danger: true,
  });
  if (!ok) return;
  const r = await run("sign_out", undefined, { button, errorEl: $("account-error") });
  if (r.ok) {
    closeSettings({ focusGear: false });
    render(r.value);
  }
}

async function forgetApp(ev) {
  const button = ev.currentTarget;
  const signedIn = state.status && state.status.connection === "signed_in";
  const body = ["spotkey will sign out and forget the Client ID and secret. You’ll set it up again next time."];
  if (signedIn) body.push(revokeHint());
  const ok = await confirmDialog({ title: "Forget app credentials?", body, ok: "Forget", danger: true });
  if (!ok) return;
  const r = await run("forget_app", undefined, { button, errorEl: $("account-error") });
  if (r.ok) {
    state.settings = null;
    closeSettings({ focusGear: false });
    render(r.value);
  }
}

$("open-settings").addEventListener("click", openSettings);
$("close-settings").addEventListener("click", () => closeSettings());
document.addEventListener("keydown", (ev) => {
  if (ev.key !== "Escape" || dialogOpen() || !state.settingsOpen || ev.defaultPrevented) return;
  ev.preventDefault();
  closeSettings();
});
$("remove-secret").addEventListener("change", (ev) => {
  const secret = $("settings-client-secret");
  secret.disabled = ev.currentTarget.checked;
  if (ev.currentTarget.checked) secret.value = "";
});
$("settings-copy-redirect-uri").addEventListener("click", (ev) =>
  copy("redirect_uri", ev.currentTarget, $("settings-credentials-error")));
$("settings-credentials-form").addEventListener("submit", saveSettingsCredentials);
$("scopes-form").addEventListener("submit", saveScopes);
$("autostart").addEventListener("change", savePreferences);
$("start-hidden").addEventListener("change", savePreferences);
$("sign-out").addEventListener("click", signOut);
$("forget-app").addEventListener("click", forgetApp);
