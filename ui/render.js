// Draws a status from Rust: which screen, the banner, the last attempt's error, the pending
// sign-in. Words and actions come from Rust as they are; nothing here re-derives them.
import { renderSignedIn, stopTick } from "./account.js";
import { dialogOpen } from "./dialogs.js";
import { $, clearError, detailsBlock, announce } from "./dom.js";
import { nowSeconds } from "./format.js";
import { isStatus, state } from "./state.js";

const HELP_AFTER_SECONDS = 60;
const SCREENS = ["setup", "signed-out", "connecting", "signed-in", "settings"];
const SPOKEN = {
  "setup": "Set up spotkey",
  "signed-out": "Not connected",
  "connecting": "Waiting for your approval in the browser",
  "signed-in": "Connected to Spotify",
};

/** The settings module's part of a render (it registers itself: settings import this one). */
const settingsHooks = { closeForSetup: () => {}, renderStatus: () => {} };
export function setSettingsHooks(hooks) { Object.assign(settingsHooks, hooks); }

function screenFor(status) {
  if (status.setup_needed) return "setup";
  if (status.connection === "connecting") return "connecting";
  if (status.connection === "signed_in" && status.account) return "signed-in";
  return "signed-out";
}

export function render(status) {
  if (!isStatus(status)) return;
  // A command's reply and a status event may arrive in either order: never go back in time.
  if (state.status && typeof status.revision === "number" && status.revision < state.status.revision) return;
  state.status = status;
  $("loading").hidden = true;
  if (status.setup_needed && state.settingsOpen) settingsHooks.closeForSetup();

  renderBanner(status);
  const screen = screenFor(status);
  if (screen === "signed-out") renderLastError(status.last_error);
  if (screen === "connecting") renderConnecting(status); else leaveConnecting();
  if (screen === "signed-in") renderSignedIn(status); else stopTick();

  $("open-settings").hidden = status.setup_needed || state.settingsOpen;
  if (state.settingsOpen) settingsHooks.renderStatus(status);
  showScreen(state.settingsOpen ? "settings" : screen);
}

export function showScreen(name) {
  const prev = state.screen;
  for (const s of SCREENS) $(`screen-${s}`).hidden = s !== name;
  state.screen = name;
  if (prev === name) return;
  if (prev !== null && SPOKEN[name]) announce(SPOKEN[name]);
  // Focus would otherwise be lost on a now-hidden button: move it to the new screen's heading.
  const active = document.activeElement;
  const lost = !active || active === document.body || active.closest("[hidden]");
  if (lost && !dialogOpen()) {
    const heading = $(`screen-${name}`).querySelector("[tabindex='-1']");
    if (heading) heading.focus({ preventScroll: true });
  }
}

/** Replaces `box`'s detail disclosure only when the text changed (an open one stays open). */
function setDetail(box, detail) {
  const text = typeof detail === "string" ? detail : "";
  if (box.dataset.detail === text) return;
  box.dataset.detail = text;
  const block = detailsBlock(text);
  box.replaceChildren(...(block ? [block] : []));
  box.hidden = !block;
}

function renderBanner(status) {
  const banner = $("banner");
  const problem = status.problem;
  if (!problem) {
    banner.hidden = true;
    banner.dataset.kind = "";
    return;
  }
  if (banner.dataset.kind !== problem.kind) clearError($("banner-error"));
  banner.dataset.kind = problem.kind;
  $("banner-message").textContent = problem.message || "Something went wrong.";
  $("banner-details").hidden = problem.action !== "unlock_keychain";
  setDetail($("banner-tech"), problem.detail);
  banner.classList.toggle("is-error", problem.kind === "connection_ended");
  const btn = $("banner-action");
  btn.dataset.action = problem.action;
  btn.textContent = problem.action_label || "Retry";
  // While a sign-in is pending, a Reconnect button would start another one.
  btn.hidden = problem.action === "reconnect" && status.connection === "connecting";
  banner.hidden = false;
}

/** The last sign-in attempt's error, on the Connect screen. */
function renderLastError(error) {
  const box = $("last-error");
  const message = error && typeof error.message === "string" ? error.message : "";
  const detail = error && typeof error.detail === "string" ? error.detail : "";
  const key = `${message}\n${detail}`;
  if (box.dataset.text !== key) {
    box.dataset.text = key;
    const p = document.createElement("p");
    p.textContent = message;
    const block = detailsBlock(detail);
    box.replaceChildren(...(message ? [p] : []), ...(block ? [block] : []));
  }
  box.hidden = !message;
}

function renderConnecting(status) {
  const link = $("sign-in-link");
  const url = status.sign_in && status.sign_in.url ? status.sign_in.url : "";
  // Shown whole (it wraps); no tooltip, which would run off the window for a URL this long.
  if (link.textContent !== url) link.textContent = url;
  $("copy-link").disabled = !url;
  $("open-again").disabled = !url;
  $("help-client-id").textContent = status.client_id || "(none)";
  scheduleHelp(status.sign_in && typeof status.sign_in.started_at === "number" ? status.sign_in.started_at : null);
}

/** "Still waiting? Check that…" once a sign-in has waited a minute. */
function scheduleHelp(started) {
  window.clearTimeout(state.helpTimer);
  state.helpTimer = 0;
  const help = $("connecting-help");
  const wait = started === null ? Infinity : started + HELP_AFTER_SECONDS - nowSeconds();
  help.hidden = !(wait <= 0);
  if (wait > 0 && Number.isFinite(wait)) {
    state.helpTimer = window.setTimeout(() => {
      if (state.status && state.status.connection === "connecting") help.hidden = false;
    }, Math.min(Math.ceil(wait * 1000), HELP_AFTER_SECONDS * 1000));
  }
}

function leaveConnecting() {
  window.clearTimeout(state.helpTimer);
  state.helpTimer = 0;
  const link = $("sign-in-link");
  if (link.textContent) link.textContent = "";
  $("connecting-help").hidden = true;
}
