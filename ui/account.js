// The signed-in screen: who is connected, until when, where the grant lives, which permissions.
import { $ } from "./dom.js";
import { capitalize, formatDate, formatDuration, nowSeconds } from "./format.js";
import { state } from "./state.js";

const TICK_MS = 30_000; // the access countdown never wakes more often than this

function setRow(rowId, valueId, value) {
  const has = value !== null && value !== undefined && value !== "";
  $(rowId).hidden = !has;
  $(valueId).textContent = has ? value : "";
}

function renderAvatar(a, name) {
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
}

function renderConnectionExpiry(a) {
  const soon = !!a.connection_expiring_soon;
  let text = "Stays connected for 6 months from your consent";
  if (typeof a.connection_expires_at === "number") {
    text = `Stays connected until ${formatDate(a.connection_expires_at)} (6 months from your consent)`;
    if (soon) {
      const days = Math.max(0, Math.ceil((a.connection_expires_at - nowSeconds()) / 86400));
      text += days <= 1 ? " — that’s very soon." : ` — that’s in ${days} days.`;
    }
  }
  $("connection-expiry").textContent = text;
  $("connection-expiry-row").classList.toggle("is-warn", soon);
  $("renew").hidden = !soon;
}

export function renderSignedIn(status) {
  const a = status.account;
  const name = a.display_name || a.id || "Spotify user";
  $("display-name").textContent = name;
  renderAvatar(a, name);
  $("spotify-id").textContent = a.account_id || a.id || "";
  setRow("row-email", "email", a.email);
  setRow("row-country", "country", a.country_label || a.country);
  setRow("row-product", "product", a.product ? capitalize(a.product) : null);
  renderScopeChips(a.scopes);
  updateAccessExpiry();
  startTick();
  renderConnectionExpiry(a);
  $("keychain").textContent = `Stored in: ${a.keychain || "your system keychain"}`;
  $("consent-notice").hidden = !a.needs_consent;
}

function scopeDescription(name) {
  const list = state.settings && Array.isArray(state.settings.available_scopes) ? state.settings.available_scopes : [];
  const found = list.find((s) => s && s.name === name);
  return found && found.description ? found.description : null;
}

export function renderScopeChips(scopes) {
  const items = (Array.isArray(scopes) ? scopes : []).map((name) => {
    const li = document.createElement("li");
    li.className = "chip";
    li.textContent = scopeDescription(name) || name;
    li.title = name;
    return li;
  });
  if (items.length === 0) {
    const li = document.createElement("li");
    li.className = "chips-empty";
    li.textContent = "Only your public profile";
    items.push(li);
  }
  $("scopes").replaceChildren(...items);
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

export function stopTick() {
  if (!state.tickTimer) return;
  window.clearInterval(state.tickTimer);
  state.tickTimer = 0;
}

document.addEventListener("visibilitychange", () => {
  if (document.hidden) {
    stopTick();
  } else if (state.screen === "signed-in") {
    updateAccessExpiry();
    startTick();
  }
});

$("avatar").addEventListener("error", () => {
  state.avatarFailed = true;
  $("avatar").hidden = true;
});
