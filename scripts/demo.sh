#!/usr/bin/env bash
# `make demo`: the whole spotkey flow with no Spotify account and no network, touching nothing of
# yours. It brings its own throwaway world and removes it when it ends (spotkey quits, Ctrl-C,
# SIGTERM or an error):
#   - the fake Spotify the tests use (127.0.0.1, with a consent page);
#   - a private D-Bus session with its own unlocked GNOME Keyring: spotkey (the app and the CLI
#     line printed below) only ever sees that bus, so your own keyring is never on it, and it
#     works on a machine without a Secret Service;
#   - throwaway HOME and XDG dirs for spotkey's settings, caches, lock and webview data.
# Your browser is the exception: it opens the sign-in link with the environment you started the
# demo from (your D-Bus session, HOME, XDG dirs), so it is your normal browser and profile.
#
# SPOTKEY_DEMO_BIN_DIR=<dir> uses the binaries there (spotkey, spotkey-desktop,
# examples/fake_spotify) and skips the release build; the tests point it at target/debug.
set -euo pipefail
# Ctrl-C ends the demo through the INT trap below, but a shell that starts with SIGINT ignored
# (a background job of another script, a parent that ignores it while it waits) cannot trap it
# and would never end on Ctrl-C: start again with its default action (GNU env 8.31 or later).
if [[ $(trap -p INT) == *"''"* && -z ${SPOTKEY_DEMO_INT_RESTORED:-} ]] &&
  env --default-signal=INT true 2>/dev/null; then
  SPOTKEY_DEMO_INT_RESTORED=1 exec env --default-signal=INT "$BASH" "$0" "$@"
fi
unset SPOTKEY_DEMO_INT_RESTORED
cd "$(dirname "$0")/.."

say() { printf 'spotkey demo: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

# What the throwaway world needs (scripts/install-deps.sh installs it for `make demo`).
for tool in dbus-daemon:dbus dbus-send:dbus gnome-keyring-daemon:gnome-keyring setsid:util-linux timeout:coreutils; do
  command -v "${tool%%:*}" >/dev/null ||
    die "${tool%%:*} is missing: sudo apt-get install ${tool#*:} (or run \`make demo\`, which installs it)"
done

bin_dir=${SPOTKEY_DEMO_BIN_DIR:-}
if [[ -z "$bin_dir" ]]; then
  # The same build as `make run` and `make bundle` (a no-op right after either of them).
  ${CARGO:-cargo} build --release --features custom-protocol --bins --example fake_spotify --example man_page
  bin_dir=target/release
fi
[[ -d "$bin_dir" ]] || die "SPOTKEY_DEMO_BIN_DIR=$bin_dir is not a directory"
bin_dir=$(cd "$bin_dir" && pwd)
for program in spotkey spotkey-desktop examples/fake_spotify; do
  [[ -x "$bin_dir/$program" ]] || die "$bin_dir/$program is missing: build it first (make build)"
done

demo_home=$(mktemp -d -t spotkey-demo.XXXXXX)
pids=()
# Every process the demo started ends, then the throwaway world goes. Never fails.
cleanup() {
  trap - INT TERM HUP
  local pid deadline=$((SECONDS + 5))
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.05; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  # What the private bus started for the app (accessibility bus, …) goes with the bus; whatever
  # still runs in the demo's world when the deadline passes is ended.
  while [[ -n "$(demo_processes)" ]] && ((SECONDS < deadline)); do sleep 0.05; done
  for pid in $(demo_processes); do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$demo_home"
}
# Processes started in the demo's world: their environment names its runtime dir.
# (grep itself runs outside that world, so that it does not find itself.)
demo_processes() {
  local file
  for file in $(env -u XDG_RUNTIME_DIR grep -lsaF "XDG_RUNTIME_DIR=$demo_home/run" /proc/[0-9]*/environ); do
    file=${file#/proc/}
    echo "${file%/environ}"
  done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
# spotkey splits $BROWSER at spaces and colons: the helper's path must have neither.
case "$demo_home" in
  *[[:space:]:%]*) die "the temporary directory $demo_home has a space, ':' or '%' in its path; set TMPDIR to one without" ;;
esac

# shellcheck source=scripts/demo-world.sh
source scripts/demo-world.sh
start_browser_opener
enter_demo_world
start_private_keyring
start_fake_spotify
write_cli_helper

cat <<MSG
spotkey demo — nothing leaves this computer, and nothing of yours is touched. Running:
  fake Spotify        $SPOTKEY_ACCOUNTS_URL
  private keyring     its own D-Bus session and GNOME Keyring (your keyring is never used)
  spotkey             the window, with throwaway settings in $demo_home
  1. In the setup screen, enter the Client ID:  demo-client   (leave the secret empty)
  2. Press "Connect Spotify": your browser shows the fake consent page; choose Agree.
  3. The CLI against the demo (paste in another terminal; also login, token, logout):
       $(printf '%q' "$demo_home/spotkey") status
  4. Close the window (the demo has no tray, so spotkey quits) or press Ctrl-C here to end the
     demo: everything above stops and its files are removed.
MSG

"$bin_dir/spotkey-desktop" </dev/null &
pids+=($!)
# `wait` (unlike a foreground command) lets Ctrl-C and SIGTERM end the demo at once.
status=0
wait "${pids[-1]}" || status=$?
exit "$status"
