#!/usr/bin/env bash
# `make demo`: the whole spotkey flow with no Spotify account and no network. Starts the fake
# Spotify the tests use (its own process, 127.0.0.1, with a consent page) and spotkey pointed
# at it by configuration only. A throwaway home and keychain service keep your real spotkey
# (settings, keychain entries) untouched.
set -euo pipefail
cd "$(dirname "$0")/.."

# The same build as `make run` and `make bundle` (a no-op right after either of them).
${CARGO:-cargo} build --release --features custom-protocol --bins --example fake_spotify --example man_page

demo_home=$(mktemp -d -t spotkey-demo.XXXXXX)
fake_out="$demo_home/fake.out"
target/release/examples/fake_spotify >"$fake_out" &
fake_pid=$!
cleanup() {
  kill "$fake_pid" 2>/dev/null || true
  rm -rf "$demo_home"
}
trap cleanup EXIT

for _ in $(seq 100); do
  grep -q '^accounts=' "$fake_out" 2>/dev/null && break
  sleep 0.05
done
read -r accounts api <"$fake_out"
accounts=${accounts#accounts=}
api=${api#api=}

cat <<MSG
spotkey demo — a fake Spotify is running at $accounts (nothing leaves this computer).
  1. In the setup screen, enter the Client ID:  demo-client   (leave the secret empty)
  2. Press "Connect Spotify": your browser shows the fake consent page; choose Agree.
  3. Quit spotkey from its tray menu (or close the window and press Ctrl-C here) to end the demo.
If spotkey is already running on this desktop, quit it first: only one instance runs at a time.
MSG

SPOTKEY_ACCOUNTS_URL="$accounts" \
SPOTKEY_API_URL="$api" \
SPOTKEY_KEYCHAIN_SERVICE=spotkey-demo \
XDG_CONFIG_HOME="$demo_home/config" \
XDG_CACHE_HOME="$demo_home/cache" \
  target/release/spotkey-desktop
