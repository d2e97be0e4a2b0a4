// What the window knows: the last status and settings Rust sent, and which screen shows.

export const state = {
  status: null,       // last AppStatus
  settings: null,     // last Settings (scope descriptions, the settings form)
  settingsOpen: false,
  screen: null,
  tickTimer: 0,
  helpTimer: 0,
  avatarUrl: null,
  avatarFailed: false,
};

export function isStatus(v) {
  return !!v && typeof v === "object" && "connection" in v;
}
