#!/usr/bin/env bash
# `make bundle`: .deb and AppImage (icons + desktop entry) with the prebuilt tauri CLI from npm.
# AppImage bundling downloads linuxdeploy from GitHub on first use; .deb needs nothing more.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null; then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm
fi
[[ -x node_modules/.bin/tauri ]] || npm install --no-save --no-audit --no-fund @tauri-apps/cli@2
node_modules/.bin/tauri build --bundles "${BUNDLES:-deb,appimage}"
ls -l target/release/bundle/*/ 2>/dev/null || true
