# shellcheck shell=bash
# The throwaway world of `make demo` (sourced by scripts/demo.sh, which owns `demo_home`,
# `bin_dir`, `pids` and the cleanup that ends every process appended to `pids`).

# Waits until `$1` (a command) succeeds, for at most `$2` seconds; false if it never did.
wait_until() {
  local deadline=$((SECONDS + $2))
  until eval "$1"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.05
  done
}

# Started while this shell still has your environment: opens each link spotkey hands over (through
# the `browser` helper, spotkey's $BROWSER in the demo) in your own browser, as you would.
start_browser_opener() {
  local fifo="$demo_home/browser.fifo"
  mkfifo -m 600 "$fifo"
  (
    trap - EXIT
    while :; do
      while IFS= read -r url; do
        # Only a plain web link, and nothing that could drive the terminal.
        [[ "$url" =~ ^https?://[[:graph:]]+$ ]] || continue
        printf 'If your browser did not open: %s\n' "$url"
        open_in_your_browser "$url"
      done <"$fifo"
    done
  ) &
  pids+=($!)
  # spotkey waits for no browser; the helper gives up if the opener is gone.
  cat >"$demo_home/browser" <<HELPER
#!/bin/sh
# spotkey's \$BROWSER in the demo: hands the link to the demo's opener (your environment).
exec timeout 5 sh -c 'printf "%s\\n" "\$1" >"\$2"' sh "\$1" $(printf '%q' "$fifo")
HELPER
  chmod 700 "$demo_home/browser"
}

# What spotkey does outside the demo: each `:`-separated $BROWSER command (`%s` is the link, else
# the link is appended), else xdg-open. Its own session, so ending the demo leaves it running.
open_in_your_browser() {
  local url=$1 spec specs=() argv
  IFS=: read -ra specs <<<"${BROWSER:-}"
  for spec in "${specs[@]}"; do
    read -ra argv <<<"$spec"
    ((${#argv[@]})) && command -v "${argv[0]}" >/dev/null || continue
    if [[ "$spec" == *%s* ]]; then
      argv=("${argv[@]//%s/"$url"}")
    else
      argv+=("$url")
    fi
    setsid -f "${argv[@]}" </dev/null >/dev/null 2>&1 && return
  done
  setsid -f xdg-open "$url" </dev/null >/dev/null 2>&1 || say "could not start xdg-open"
}

# From here on this shell (and everything it starts) lives in the throwaway world.
enter_demo_world() {
  local outer_home=${HOME:-} outer_runtime=${XDG_RUNTIME_DIR:-}
  export HOME="$demo_home/home" XDG_CONFIG_HOME="$demo_home/config" XDG_CACHE_HOME="$demo_home/cache" \
    XDG_DATA_HOME="$demo_home/data" XDG_STATE_HOME="$demo_home/state" XDG_RUNTIME_DIR="$demo_home/run"
  mkdir -p -m 700 "$HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_DATA_HOME" "$XDG_STATE_HOME" "$XDG_RUNTIME_DIR"
  # The window still draws on your screen: X finds its cookie through HOME, Wayland its socket
  # through XDG_RUNTIME_DIR, so both are pinned to where they were.
  if [[ -z "${XAUTHORITY:-}" && -n "$outer_home" && -e "$outer_home/.Xauthority" ]]; then
    export XAUTHORITY="$outer_home/.Xauthority"
  fi
  if [[ -n "${WAYLAND_DISPLAY:-}" && "$WAYLAND_DISPLAY" != /* && -n "${outer_runtime:-}" ]]; then
    export WAYLAND_DISPLAY="$outer_runtime/$WAYLAND_DISPLAY"
  fi
  # Your spotkey settings from the environment do not apply to the fake.
  local name
  for name in $(compgen -e SPOTKEY_); do
    [[ "$name" == SPOTKEY_LOG ]] || unset "$name"
  done
  unset GNOME_KEYRING_CONTROL DBUS_SESSION_BUS_ADDRESS
  export SPOTKEY_KEYCHAIN_SERVICE=spotkey-demo BROWSER="$demo_home/browser"
}

# A private session bus with an unlocked GNOME Keyring on it, and no screen for prompts.
start_private_keyring() {
  local address_file="$demo_home/bus.address"
  env -u DISPLAY -u WAYLAND_DISPLAY dbus-daemon --session --nofork --address="unix:dir=$demo_home" \
    --print-address=3 3>"$address_file" </dev/null >/dev/null 2>&1 &
  pids+=($!)
  wait_until '[[ -s "$address_file" ]]' 10 || die "dbus-daemon did not start"
  DBUS_SESSION_BUS_ADDRESS=$(head -n 1 "$address_file")
  export DBUS_SESSION_BUS_ADDRESS
  printf 'demo' | env -u DISPLAY -u WAYLAND_DISPLAY \
    gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
  pids+=($!)
  # Asking the keyring itself before it owns its name would make the bus start another one.
  local bus=(timeout 5 dbus-send --session --print-reply)
  wait_until '"${bus[@]}" --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"' 10 &&
    wait_until '"${bus[@]}" --dest=org.freedesktop.secrets /org/freedesktop/secrets/collection/login org.freedesktop.DBus.Properties.Get string:org.freedesktop.Secret.Collection string:Locked 2>/dev/null | grep -q "boolean false"' 10 ||
    die "the demo's GNOME Keyring did not come up unlocked"
}

start_fake_spotify() {
  local out="$demo_home/fake.out" line
  "$bin_dir/examples/fake_spotify" >"$out" </dev/null &
  pids+=($!)
  wait_until 'grep -q "^accounts=" "$out"' 10 || die "the fake Spotify did not start"
  read -r line <"$out"
  [[ "$line" =~ ^accounts=(http://[^ ]+)\ api=(http://[^ ]+)$ ]] || die "the fake Spotify said: $line"
  export SPOTKEY_ACCOUNTS_URL="${BASH_REMATCH[1]}" SPOTKEY_API_URL="${BASH_REMATCH[2]}"
}

# `$demo_home/spotkey …`: the CLI against the demo, from any terminal, for as long as it runs.
write_cli_helper() {
  local helper="$demo_home/spotkey" name
  {
    printf '#!/usr/bin/env bash\n# spotkey against the running demo (its bus, keyring, settings, fake Spotify).\n'
    # shellcheck disable=SC2016 # written for the helper to expand
    printf 'for n in $(compgen -e SPOTKEY_); do [[ $n == SPOTKEY_LOG ]] || unset "$n"; done\n'
    for name in DBUS_SESSION_BUS_ADDRESS HOME XDG_CONFIG_HOME XDG_CACHE_HOME XDG_DATA_HOME XDG_STATE_HOME \
      XDG_RUNTIME_DIR SPOTKEY_ACCOUNTS_URL SPOTKEY_API_URL SPOTKEY_KEYCHAIN_SERVICE BROWSER; do
      printf 'export %s=%q\n' "$name" "${!name}"
    done
    printf 'export SPOTKEY_CLIENT_ID=demo-client\n'
    printf 'exec %q "$@"\n' "$bin_dir/spotkey"
  } >"$helper"
  chmod 700 "$helper"
}
