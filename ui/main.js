// spotkey webview entry: paints the status Rust injected, then follows Rust's status events.
// The modules: ipc (the only one that talks to Rust), render and account (drawing a status),
// credentials and settings (forms), dialogs, dom, format, state, fonts.
import { renderScopeChips } from "./account.js";
import { copy } from "./credentials.js";
import { $, errorText } from "./dom.js";
import { pinFontLists } from "./fonts.js";
import { injectedStatus, invoke, onStatus, run } from "./ipc.js";
import { render } from "./render.js";
import { closeSettings } from "./settings.js";
import { isStatus, state } from "./state.js";

async function signIn(button, errorEl) {
  const r = await run("sign_in", undefined, { button, errorEl });
  if (r.ok) {
    closeSettings({ focusGear: false });
    render(r.value);
  }
  return r;
}

$("connect").addEventListener("click", (ev) => signIn(ev.currentTarget, $("connect-error")));
$("copy-link").addEventListener("click", (ev) => copy("sign_in_link", ev.currentTarget, $("connecting-error")));
$("open-again").addEventListener("click", (ev) =>
  run("open_sign_in_link", undefined, { button: ev.currentTarget, errorEl: $("connecting-error") }));
$("cancel-sign-in").addEventListener("click", async (ev) => {
  const r = await run("cancel_sign_in", undefined, { button: ev.currentTarget, errorEl: $("connecting-error") });
  if (r.ok) render(r.value);
});
$("renew").addEventListener("click", (ev) => signIn(ev.currentTarget, $("signed-in-error")));
$("approve-scopes").addEventListener("click", (ev) => signIn(ev.currentTarget, $("signed-in-error")));
$("scopes-approve").addEventListener("click", (ev) => signIn(ev.currentTarget, $("scopes-error")));

// The banner's button does what Rust's problem.action names.
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

/** Settings give the scope chips their descriptions; without them the names show. */
async function loadSettingsQuietly() {
  try {
    state.settings = await invoke("get_settings");
    if (state.status && state.screen === "signed-in") renderScopeChips(state.status.account.scopes);
  } catch {
    // The settings screen shows its own error when opened.
  }
}

/** Runs `fn` once the next frame is painted: rAF runs at its start, a task queued there after it. */
function afterNextFrame(fn) {
  requestAnimationFrame(() => window.setTimeout(fn));
}

let toldPainted = false;
/** The first screen is on screen: Rust builds the tray now, not while the page loads. */
function tellPainted() {
  if (toldPainted) return;
  toldPainted = true;
  invoke("window_painted").catch(() => {});
}

let listening = false;
let gotEvent = false; // a status event arrived before the first status() answer

async function start() {
  const loadingText = $("loading-text");
  $("loading-retry").hidden = true;
  loadingText.textContent = "Loading…";
  if (!listening) {
    listening = await onStatus((status) => {
      gotEvent = true;
      render(status);
    });
  }
  try {
    const status = await invoke("status");
    if (!gotEvent) render(status);
    loadSettingsQuietly();
  } catch (err) {
    if (state.status) return;
    document.querySelector("#loading .spinner").hidden = true;
    loadingText.textContent = errorText(err);
    $("loading-retry").hidden = false;
  } finally {
    afterNextFrame(tellPainted);
  }
}

$("loading-retry").addEventListener("click", () => {
  document.querySelector("#loading .spinner").hidden = false;
  start();
});

// Before the status is drawn: its layout then finds its fonts at the first try.
pinFontLists();
// The status Rust had when it built this window: painted before any round trip.
const injected = injectedStatus();
if (isStatus(injected)) {
  render(injected);
  performance.mark("spotkey:status-rendered");
  // Drawn is not yet painted: the style, layout and paint of the frame that shows it come after.
  // Only then the round trips (listen, status, settings): their replies, each a task that may
  // draw again, would otherwise run ahead of that frame.
  afterNextFrame(() => {
    performance.mark("spotkey:status-painted");
    tellPainted();
    start();
  });
} else {
  start();
}
