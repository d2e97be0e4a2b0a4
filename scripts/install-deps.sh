#!/usr/bin/env bash
# Installs the system packages spotkey needs to build and run (and, with --test, to run its tests).
# Idempotent: installs only what is missing; uses sudo when not root. Debian 12 / Ubuntu 24.04.
set -euo pipefail

build_pkgs=(libwebkit2gtk-4.1-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev libssl-dev libdbus-1-dev pkg-config build-essential curl)
# What the app and `make demo` run with: a Secret Service to keep the grant in (the demo starts
# its own private one), D-Bus, and the opener for the user's browser.
run_pkgs=(dbus gnome-keyring xdg-utils)
test_pkgs=(xvfb xauth webkit2gtk-driver libsecret-tools chromium chromium-driver)
# `perf` counts wake-ups per thread (the scheduler's tracepoint) for the tray footprint test and
# the desktop benchmark.
if grep -qx 'ID=ubuntu' /etc/os-release 2>/dev/null; then
  test_pkgs+=(linux-tools-common linux-tools-generic)
else
  test_pkgs+=(linux-perf)
fi

pkgs=("${build_pkgs[@]}" "${run_pkgs[@]}")
[[ "${1:-}" == "--test" ]] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  echo "Installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  # No dbus-x11: with it, GTK programs outside a session bus spawn daemons that outlive tests.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The desktop end-to-end tests drive the window through tauri-driver (WebDriver -> WebKitWebDriver).
# Installed project-locally (gitignored, no sudo, no PATH change); tests/support/desktop.rs looks
# for it exactly here. `cargo install` is ~45 s, so only when it is missing.
if [[ "${1:-}" == "--test" ]]; then
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.ci/tools"
  if [[ ! -x "$root/bin/tauri-driver" ]]; then
    echo "Installing tauri-driver into $root"
    cargo install tauri-driver --locked --version '^2' --root "$root"
  fi
fi
