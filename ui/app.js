// spotkey webview. The one file that talks to Rust (docs/IPC.md). It only ever receives status
// DTOs — never a token, code, verifier or secret — and renders them.
"use strict";

(() => {
  const HELP_AFTER_SECONDS = 60;
  const TICK_MS = 30_000; // the access countdown never wakes more often than this
  const CLIENT_ID_RE = /^[A-Za-z0-9_-]{1,128}$/;
  const SPOTIFY_CLIENT_ID_RE = /^[0-9a-fA-F]{32}$/;
  const SCREENS = ["setup", "signed-out", "connecting", "signed-in", "settings"];

  const $ = (id) => document.getElementById(id);

  const state = {
    status: null,       // last AppStatus
    settings: null,     // last Settings (for scope descriptions and the settings form)
    settingsOpen: false,
    gotEvent: false,    // a status event arrived before the first status() answer
    screen: null,
    tickTimer: 0,
    helpTimer: 0,
    avatarUrl: null,
    avatarFailed: false,
  };

  // ---------- helpers ----------

  function errorText(err) {
    if (err && typeof err === "object" && typeof err.message === "string" && err.message) return err.message;
    if (typeof err === "string" && err) return err;
    const s = String(err);
    return s && s !== "[object Object]" ? s : "Something went wrong. Please try again.";
  }

  function showError(el, err) {
    if (!el) return;
    el.textContent = errorText(err);
    el.hidden = false;
  }

  function clearError(el) {
    if (!el) return;
    el.textContent = "";
    el.hidden = true;
  }

  function announce(text) {
    const el = $("announcer");
    el.textContent = "";
    // A fresh text node so screen readers announce repeats too.
    window.setTimeout(() => { el.textContent = text; }, 50);
  }

  let tauri = null;
  function invoke(cmd, args) {
    if (!tauri) return Promise.reject({ code: "no_tauri", message: "spotkey’s window can’t reach the app. Restart spotkey." });
    return tauri.core.invoke(cmd, args);
  }

  /**
   * Runs a command with its button disabled (no double submits) and its error shown in errorEl.
   * Never throws: resolves to { ok: true, value } or { ok: false, error }.
   */
  async function run(cmd, args, { button = null, errorEl = null } = {}) {
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

  function isStatus(v) {
    return v && typeof v === "object" && "connection" in v;
  }

  const nowSeconds = () => Date.now() / 1000;

  function formatDuration(seconds) {
    const mins = Math.ceil(seconds / 60);
    if (mins <= 1) return "under a minute";
    if (mins < 60) return `${mins}\u00a0min`;
    const h = Math.floor(mins / 60);
    const m = mins % 60;
    return m ? `${h}\u00a0h ${m}\u00a0min` : `${h}\u00a0h`;
  }

  function formatDate(seconds) {
    try {
      return new Date(seconds * 1000).toLocaleDateString(undefined, { year: "numeric", month: "long", day: "numeric" });
    } catch {
      return new Date(seconds * 1000).toDateString();
    }
  }

  function countryName(code) {
    try {
      const name = new Intl.DisplayNames(undefined, { type: "region" }).of(code);
      return name && name !== code ? `${name} (${code})` : code;
    } catch {
      return code;
    }
  }

  function capitalize(s) {
    return s ? s.charAt(0).toUpperCase() + s.slice(1) : s;
  }

  function scopeDescription(name) {
    const list = state.settings && Array.isArray(state.settings.available_scopes) ? state.settings.available_scopes : [];
    const found = list.find((s) => s && s.name === name);
    return found && found.description ? found.description : null;
  }

  /** Shows "Copied" on a copy button for 2 s. */
  function flashCopied(button) {
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

  async function copy(what, button, errorEl) {
    const r = await run("copy_text", { what }, { button, errorEl });
    if (r.ok) flashCopied(button);
  }

  // ---------- confirm dialog ----------

  const dialog = $("confirm-dialog");
  let dialogResolve = null;

  /** body: array of strings and Nodes, each item one paragraph (a nested array = inline parts). */
  function confirmDialog({ title, body, ok, danger = false }) {
    $("confirm-title").textContent = title;
    const msg = $("confirm-message");
    msg.replaceChildren(...body.map((para) => {
      const p = document.createElement("p");
      p.append(...(Array.isArray(para) ? para : [para]));
      return p;
    }));
    const okBtn = $("confirm-ok");
    okBtn.textContent = ok;
    okBtn.classList.toggle("btn-danger", danger);
    okBtn.classList.toggle("btn-primary", !danger);
    if (dialogResolve) dialogResolve(false);
    dialog.returnValue = "";
    return new Promise((resolve) => {
      dialogResolve = resolve;
      dialog.showModal();
      $("confirm-cancel").focus(); // the safe choice has focus
    });
  }

  dialog.addEventListener("close", () => {
    const resolve = dialogResolve;
    dialogResolve = null;
    if (resolve) resolve(dialog.returnValue === "ok");
  });
  $("confirm-ok").addEventListener("click", () => dialog.close("ok"));
  $("confirm-cancel").addEventListener("click", () => dialog.close("cancel"));

  function codeChip(text) {
    const c = document.createElement("code");
    c.className = "code-chip selectable";
    c.textContent = text;
    return c;
  }

  // ---------- rendering ----------

  function render(status) {
    if (!isStatus(status)) return;
    // A command's reply and a status event may arrive in either order: never go back in time.
    if (state.status && typeof status.revision === "number" && status.revision < state.status.revision) return;
    state.status = status;
    $("loading").hidden = true;

    if (status.setup_needed && state.settingsOpen) closeSettings({ focusGear: false });

    renderBanner(status.problem);

    let screen;
    if (status.setup_needed) screen = "setup";
    else if (status.connection === "connecting") screen = "connecting";
    else if (status.connection === "signed_in" && status.account) screen = "signed-in";
    else screen = "signed-out";

    if (screen === "signed-out") renderSignedOut(status);
    if (screen === "connecting") renderConnecting(status); else leaveConnecting();
    if (screen === "signed-in") renderSignedIn(status); else stopTick();

    $("open-settings").hidden = status.setup_needed || state.settingsOpen;
    if (state.settingsOpen) renderSettingsStatus(status);

    showScreen(state.settingsOpen ? "settings" : screen);
  }

  function showScreen(name) {
    const prev = state.screen;
    for (const s of SCREENS) $(`screen-${s}`).hidden = s !== name;
    state.screen = name;
    if (prev === name) return;

    if (prev !== null) {
      const spoken = {
        "setup": "Set up spotkey",
        "signed-out": "Not connected",
        "connecting": "Waiting for your approval in the browser",
        "signed-in": "Connected to Spotify",
      }[name];
      if (spoken) announce(spoken);
    }
    // Focus would otherwise be lost on a now-hidden button: move it to the new screen's heading.
    const active = document.activeElement;
    const lost = !active || active === document.body || active.closest("[hidden]");
    if (lost && !dialog.open) {
      const heading = $(`screen-${name}`).querySelector("[tabindex='-1']");
      if (heading) heading.focus({ preventScroll: true });
    }
  }

  function renderBanner(problem) {
    const banner = $("banner");
    if (!problem) {
      banner.hidden = true;
      banner.dataset.kind = "";
      return;
    }
    const kind = problem.kind;
    const action = problem.action || (kind === "connection_ended" ? "reconnect" : "retry");
    let text = problem.message || "Something went wrong.";
    if (kind === "offline") text = "Can’t reach Spotify — you’re still connected; spotkey will retry.";
    if (banner.dataset.kind !== kind) clearError($("banner-error"));
    banner.dataset.kind = kind;
    $("banner-message").textContent = text;
    $("banner-details").hidden = action !== "unlock_keychain";
    banner.classList.toggle("is-error", kind === "connection_ended");
    const btn = $("banner-action");
    btn.dataset.action = action;
    btn.textContent = action === "reconnect" ? "Reconnect" : "Retry";
    // On the sign-in screens a Reconnect button would duplicate the big one below.
    btn.hidden = action === "reconnect" && state.status && state.status.connection === "connecting";
    banner.hidden = false;
  }

  function renderSignedOut(status) {
    // An ended connection is already the banner's message; this box is for the last attempt.
    const lines = [];
    const e = status.last_error;
    if (e && e.message && !lines.includes(e.message)) lines.push(e.message);
    const box = $("last-error");
    const text = lines.join("\n");
    if (box.dataset.text !== text) {
      box.dataset.text = text;
      box.replaceChildren(...lines.map((l) => {
        const el = document.createElement("p");
        el.textContent = l;
        return el;
      }));
    }
    box.hidden = lines.length === 0;
  }

  function renderConnecting(status) {
    const link = $("sign-in-link");
    const url = status.sign_in && status.sign_in.url ? status.sign_in.url : "";
    if (link.textContent !== url) {
      link.textContent = url;
      link.title = url;
    }
    $("copy-link").disabled = !url;
    $("open-again").disabled = !url;
    $("help-client-id").textContent = status.client_id || "(none)";

    const started = status.sign_in && typeof status.sign_in.started_at === "number" ? status.sign_in.started_at : null;
    window.clearTimeout(state.helpTimer);
    state.helpTimer = 0;
    const help = $("connecting-help");
    if (started === null) { help.hidden = true; return; }
    const wait = started + HELP_AFTER_SECONDS - nowSeconds();
    if (wait <= 0) {
      help.hidden = false;
    } else {
      help.hidden = true;
      state.helpTimer = window.setTimeout(() => {
        if (state.status && state.status.connection === "connecting") help.hidden = false;
      }, Math.ceil(wait * 1000));
    }
  }

  function leaveConnecting() {
    window.clearTimeout(state.helpTimer);
    state.helpTimer = 0;
    const link = $("sign-in-link");
    if (link.textContent) { link.textContent = ""; link.removeAttribute("title"); }
    $("connecting-help").hidden = true;
  }

  function setRow(rowId, valueId, value) {
    const has = value !== null && value !== undefined && value !== "";
    $(rowId).hidden = !has;
    $(valueId).textContent = has ? value : "";
  }

  function renderSignedIn(status) {
    const a = status.account;
    const name = a.display_name || a.id || "Spotify user";
    $("display-name").textContent = name;
    $("avatar-initial").textContent = Array.from(name.trim())[0] || "?";

    const img = $("avatar");
    const url = a.avatar_url || null;
    if (url !== state.avatarUrl) {
      state.avatarUrl = url;
      state.avatarFailed = false;
      // The picture comes from Spotify's CDN: never let it hold up the first paint.
      if (!url) img.removeAttribute("src");
      else if (document.readyState === "complete") img.src = url;
      else window.addEventListener("load", () => { if (state.avatarUrl === url) img.src = url; }, { once: true });
    }
    img.hidden = !url || state.avatarFailed;

    $("spotify-id").textContent = a.account_id || a.id || "";
    setRow("row-email", "email", a.email);
    setRow("row-country", "country", a.country ? countryName(a.country) : null);
    setRow("row-product", "product", a.product ? capitalize(a.product) : null);

    renderScopeChips(a.scopes);
    updateAccessExpiry();
    startTick();

    const row = $("connection-expiry-row");
    const soon = !!a.connection_expiring_soon;
    if (typeof a.connection_expires_at === "number") {
      let text = `Stays connected until ${formatDate(a.connection_expires_at)} (6 months from your consent)`;
      if (soon) {
        const days = Math.max(0, Math.ceil((a.connection_expires_at - nowSeconds()) / 86400));
        text += days <= 1 ? " — that’s very soon." : ` — that’s in ${days} days.`;
      }
      $("connection-expiry").textContent = text;
    } else {
      $("connection-expiry").textContent = "Stays connected for 6 months from your consent";
    }
    row.classList.toggle("is-warn", soon);
    $("renew").hidden = !soon;

    $("keychain").textContent = `Stored in: ${a.keychain || "your system keychain"}`;
    $("consent-notice").hidden = !a.needs_consent;
  }

  function renderScopeChips(scopes) {
    const list = $("scopes");
    const items = (Array.isArray(scopes) ? scopes : []).map((name) => {
      const li = document.createElement("li");
      li.className = "chip";
      const desc = scopeDescription(name);
      li.textContent = desc || name;
      li.title = name;
      return li;
    });
    if (items.length === 0) {
      const li = document.createElement("li");
      li.className = "chips-empty";
      li.textContent = "Only your public profile";
      items.push(li);
    }
    list.replaceChildren(...items);
  }

  function updateAccessExpiry() {
    const a = state.status && state.status.account;
    if (!a) return;
    const el = $("access-expiry");
    if (typeof a.access_expires_at !== "number") {
      el.textContent = "Access token refreshes automatically";
      return;
    }
    const left = a.access_expires_at - nowSeconds();
    el.textContent = left > 0
      ? `Access token refreshes automatically · expires in ${formatDuration(left)}`
      : "Access token refreshes automatically · refreshing now";
  }

  function startTick() {
    if (state.tickTimer || document.hidden) return;
    state.tickTimer = window.setInterval(updateAccessExpiry, TICK_MS);
  }

  function stopTick() {
    if (!state.tickTimer) return;
    window.clearInterval(state.tickTimer);
    state.tickTimer = 0;
  }

  document.addEventListener("visibilitychange", () => {
    if (document.hidden) {
      stopTick();
    } else if (state.screen === "signed-in" || (state.status && state.status.connection === "signed_in" && !state.settingsOpen)) {
      updateAccessExpiry();
      startTick();
    }
  });

  $("avatar").addEventListener("error", () => {
    state.avatarFailed = true;
    $("avatar").hidden = true;
  });

  // ---------- setup ----------

  /** Validates a client ID field; returns the trimmed value or null (and shows the error). */
  function validateClientId(input, errorEl, hintEl) {
    const value = input.value.trim();
    let problem = null;
    if (!value) problem = "Paste your app’s Client ID.";
    else if (value.length > 128 || !CLIENT_ID_RE.test(value)) problem = "A Client ID has only letters, digits, - or _ (Spotify’s are 32 characters).";
    if (problem) {
      errorEl.textContent = problem;
      errorEl.hidden = false;
      input.setAttribute("aria-invalid", "true");
      hintEl.hidden = true;
      input.focus();
      return null;
    }
    clearError(errorEl);
    input.removeAttribute("aria-invalid");
    return value;
  }

  function softHint(input, errorEl, hintEl) {
    const value = input.value.trim();
    if (input.getAttribute("aria-invalid") === "true" && CLIENT_ID_RE.test(value)) {
      input.removeAttribute("aria-invalid");
      clearError(errorEl);
    }
    hintEl.hidden = !value || !CLIENT_ID_RE.test(value) || SPOTIFY_CLIENT_ID_RE.test(value);
  }

  /** save_credentials, with the "this signs you out" confirmation when needed. */
  async function saveCredentials({ clientId, clientSecret, button, errorEl }) {
    let confirmSignOut = false;
    const st = state.status;
    if (st && st.connection === "signed_in" && st.client_id && st.client_id !== clientId) {
      if (!(await confirmClientIdChange())) return null;
      confirmSignOut = true;
    }
    let r = await run("save_credentials", { clientId, clientSecret, confirmSignOut }, { button, errorEl });
    if (!r.ok && r.error && r.error.code === "confirm_sign_out" && !confirmSignOut) {
      clearError(errorEl);
      if (!(await confirmClientIdChange())) return null;
      r = await run("save_credentials", { clientId, clientSecret, confirmSignOut: true }, { button, errorEl });
    }
    if (!r.ok) return null;
    render(r.value);
    return r.value;
  }

  function confirmClientIdChange() {
    return confirmDialog({
      title: "Change the Client ID?",
      body: ["Changing the client ID signs you out. Continue?"],
      ok: "Change and sign out",
      danger: true,
    });
  }

  $("client-id").addEventListener("input", () => softHint($("client-id"), $("client-id-error"), $("client-id-hint")));

  $("setup-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const button = $("save-credentials");
    if (button.disabled) return;
    const clientId = validateClientId($("client-id"), $("client-id-error"), $("client-id-hint"));
    if (clientId === null) return;
    const secret = $("client-secret").value.trim();
    const saved = await saveCredentials({ clientId, clientSecret: secret || null, button, errorEl: $("setup-error") });
    if (saved) $("client-secret").value = "";
  });

  $("copy-redirect-uri").addEventListener("click", (ev) => copy("redirect_uri", ev.currentTarget, $("setup-copy-error")));

  // ---------- signed out / connecting / signed in ----------

  async function signIn(button, errorEl) {
    const r = await run("sign_in", undefined, { button, errorEl });
    if (r.ok) {
      if (state.settingsOpen) closeSettings({ focusGear: false });
      render(r.value);
    }
    return r;
  }

  $("connect").addEventListener("click", (ev) => signIn(ev.currentTarget, $("connect-error")));
  $("copy-link").addEventListener("click", (ev) => copy("sign_in_link", ev.currentTarget, $("connecting-error")));
  $("open-again").addEventListener("click", (ev) => run("open_sign_in_link", undefined, { button: ev.currentTarget, errorEl: $("connecting-error") }));
  $("cancel-sign-in").addEventListener("click", async (ev) => {
    const r = await run("cancel_sign_in", undefined, { button: ev.currentTarget, errorEl: $("connecting-error") });
    if (r.ok) render(r.value);
  });
  $("renew").addEventListener("click", (ev) => signIn(ev.currentTarget, $("signed-in-error")));
  $("approve-scopes").addEventListener("click", (ev) => signIn(ev.currentTarget, $("signed-in-error")));

  $("banner-action").addEventListener("click", async (ev) => {
    const button = ev.currentTarget;
    const errorEl = $("banner-error");
    if (button.dataset.action === "reconnect") {
      await signIn(button, errorEl);
    } else {
      const r = await run("retry", undefined, { button, errorEl });
      if (r.ok) render(r.value);
    }
  });

  // ---------- settings ----------

  async function openSettings() {
    if (state.settingsOpen || (state.status && state.status.setup_needed)) return;
    state.settingsOpen = true;
    for (const id of ["settings-error", "settings-credentials-error", "scopes-error", "startup-error", "account-error", "settings-client-id-error"]) clearError($(id));
    $("scopes-status").hidden = true;
    $("scopes-consent").hidden = true;
    $("settings-client-id").removeAttribute("aria-invalid");
    $("settings-client-id-hint").hidden = true;
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

  function closeSettings({ focusGear = true } = {}) {
    if (!state.settingsOpen) return;
    state.settingsOpen = false;
    $("settings-client-secret").value = "";
    if (state.status) render(state.status);
    if (focusGear && !$("open-settings").hidden) $("open-settings").focus();
  }

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
    $("autostart").checked = !!s.autostart;
    $("start-hidden").checked = !!s.start_hidden;
    fillTrayUnavailable(s);
  }

  // No tray on this desktop: the tray options cannot be turned on (only off), and one
  // sentence from Rust says why.
  function fillTrayUnavailable(s) {
    const why = typeof s.tray_unavailable === "string" ? s.tray_unavailable : "";
    for (const id of ["autostart", "start-hidden"]) $(id).disabled = !!why && !$(id).checked;
    $("tray-unavailable").textContent = why;
    $("tray-unavailable").hidden = !why;
  }

  function fillScopes(s) {
    const selected = new Set(Array.isArray(s.scopes) ? s.scopes : []);
    let available = Array.isArray(s.available_scopes) ? s.available_scopes.filter((x) => x && x.name) : [];
    for (const name of selected) {
      if (!available.some((x) => x.name === name)) available = available.concat([{ name, description: "" }]);
    }
    const list = $("scope-list");
    list.replaceChildren(...available.map(({ name, description }) => {
      const label = document.createElement("label");
      label.className = "check";
      const input = document.createElement("input");
      input.type = "checkbox";
      input.name = "scope";
      input.value = name;
      input.checked = selected.has(name);
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
    }));
  }

  /** Parts of the settings screen that follow the live status (not the user's edits). */
  function renderSettingsStatus(status) {
    $("sign-out-row").hidden = status.connection !== "signed_in";
  }

  $("open-settings").addEventListener("click", openSettings);
  $("close-settings").addEventListener("click", () => closeSettings());

  document.addEventListener("keydown", (ev) => {
    if (ev.key !== "Escape" || dialog.open || !state.settingsOpen || ev.defaultPrevented) return;
    ev.preventDefault();
    closeSettings();
  });

  $("settings-client-id").addEventListener("input", () =>
    softHint($("settings-client-id"), $("settings-client-id-error"), $("settings-client-id-hint")));

  $("remove-secret").addEventListener("change", (ev) => {
    const secret = $("settings-client-secret");
    secret.disabled = ev.currentTarget.checked;
    if (ev.currentTarget.checked) secret.value = "";
  });

  $("settings-copy-redirect-uri").addEventListener("click", (ev) =>
    copy("redirect_uri", ev.currentTarget, $("settings-credentials-error")));

  $("settings-credentials-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const button = $("save-settings-credentials");
    if (button.disabled) return;
    const clientId = validateClientId($("settings-client-id"), $("settings-client-id-error"), $("settings-client-id-hint"));
    if (clientId === null) return;
    // null keeps the stored secret, a string replaces it, "" removes it (PKCE).
    const typed = $("settings-client-secret").value.trim();
    const clientSecret = $("remove-secret").checked ? "" : (typed || null);
    const saved = await saveCredentials({ clientId, clientSecret, button, errorEl: $("settings-credentials-error") });
    if (saved) {
      if (state.settings) {
        state.settings.client_id = clientId;
        if (clientSecret !== null) state.settings.has_client_secret = clientSecret !== "";
      }
      announce("Credentials saved");
      closeSettings();
    }
  });

  $("scopes-form").addEventListener("submit", async (ev) => {
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
  });

  $("scopes-approve").addEventListener("click", (ev) => signIn(ev.currentTarget, $("scopes-error")));

  async function savePreferences() {
    const autostart = $("autostart");
    const startHidden = $("start-hidden");
    const prev = state.settings ? { a: !!state.settings.autostart, h: !!state.settings.start_hidden } : null;
    const r = await run("save_preferences", { autostart: autostart.checked, startHidden: startHidden.checked },
      { button: [autostart, startHidden], errorEl: $("startup-error") });
    if (r.ok && r.value && typeof r.value === "object") {
      state.settings = Object.assign(state.settings || {}, r.value);
      autostart.checked = !!state.settings.autostart;
      startHidden.checked = !!state.settings.start_hidden;
    } else if (!r.ok && prev) {
      autostart.checked = prev.a;
      startHidden.checked = prev.h;
    }
    if (state.settings) fillTrayUnavailable(state.settings);
  }
  $("autostart").addEventListener("change", savePreferences);
  $("start-hidden").addEventListener("change", savePreferences);

  $("sign-out").addEventListener("click", async (ev) => {
    const button = ev.currentTarget;
    const ok = await confirmDialog({
      title: "Sign out of Spotify?",
      body: [
        "spotkey will delete the grant from this computer.",
        ["Spotify has no way for apps to revoke access; to remove it completely visit ",
          codeChip("https://www.spotify.com/account/apps/"), "."],
      ],
      ok: "Sign out",
      danger: true,
    });
    if (!ok) return;
    const r = await run("sign_out", undefined, { button, errorEl: $("account-error") });
    if (r.ok) {
      closeSettings({ focusGear: false });
      render(r.value);
    }
  });

  $("forget-app").addEventListener("click", async (ev) => {
    const button = ev.currentTarget;
    const signedIn = state.status && state.status.connection === "signed_in";
    const body = ["spotkey will sign out and forget the Client ID and secret. You’ll set it up again next time."];
    if (signedIn) {
      body.push(["Spotify has no way for apps to revoke access; to remove it completely visit ",
        codeChip("https://www.spotify.com/account/apps/"), "."]);
    }
    const ok = await confirmDialog({ title: "Forget app credentials?", body, ok: "Forget", danger: true });
    if (!ok) return;
    const r = await run("forget_app", undefined, { button, errorEl: $("account-error") });
    if (r.ok) {
      state.settings = null;
      closeSettings({ focusGear: false });
      render(r.value);
    }
  });

  // ---------- start ----------

  async function loadSettingsQuietly() {
    try {
      state.settings = await invoke("get_settings");
      if (state.status && state.screen === "signed-in") renderScopeChips(state.status.account.scopes);
    } catch {
      // Scope chips fall back to the raw scope names; the settings screen shows its own error.
    }
  }

  async function start() {
    // The status Rust had when it built this window: paint it now, confirm over IPC below.
    if (!state.status && isStatus(window.__SPOTKEY_STATUS__)) render(window.__SPOTKEY_STATUS__);
    const loadingText = $("loading-text");
    const retry = $("loading-retry");
    retry.hidden = true;
    loadingText.textContent = "Loading…";
    if (!tauri) {
      tauri = window.__TAURI__ && window.__TAURI__.core && window.__TAURI__.event ? window.__TAURI__ : null;
      if (tauri) {
        try {
          await tauri.event.listen("status", (e) => {
            state.gotEvent = true;
            render(e.payload);
          });
        } catch (err) {
          console.error("spotkey: could not listen for status events", err);
        }
      }
    }
    try {
      const status = await invoke("status");
      if (!state.gotEvent) render(status);
      loadSettingsQuietly();
    } catch (err) {
      if (state.status) return;
      document.querySelector("#loading .spinner").hidden = true;
      loadingText.textContent = errorText(err);
      retry.hidden = false;
    }
  }

  $("loading-retry").addEventListener("click", () => {
    document.querySelector("#loading .spinner").hidden = false;
    start();
  });

  start();
})();
