#!/usr/bin/env bash
# Runs a command the way the tests need the desktop to be: a private D-Bus session with a
# throwaway, unlocked GNOME Keyring (the real Secret Service), and throwaway XDG dirs, so a
# developer's own keyring and settings are never touched.
set -euo pipefail

scratch=$(mktemp -d "${TMPDIR:-/tmp}/spotkey-test.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config" XDG_CACHE_HOME="$scratch/cache" XDG_RUNTIME_DIR="$scratch/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# No display for the keyring daemon: a locked keyring must fail fast, not wait on a prompt.
unset DISPLAY WAYLAND_DISPLAY

exec dbus-run-session -- bash -c '
  printf "spotkey-test" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  # Wait until the login keyring takes a write: one that arrives while the daemon is still
  # setting it up asks for a password prompt, which fails (no display) or hangs a test.
  for _ in $(seq 50); do
    if printf ok | timeout 5 secret-tool store --label="spotkey test-env ready" spotkey-test-env ready 2>/dev/null; then
      secret-tool clear spotkey-test-env ready
      break
    fi
    sleep 0.1
  done
  exec "$@"' spotkey-test-env "$@"
