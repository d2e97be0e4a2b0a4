#!/usr/bin/env bash
# `make bundle`: packages the binaries `make build` made (no second compile) with the prebuilt
# tauri CLI from npm: the .deb always, the AppImage when its tools can be fetched. Generates the
# man page and shell completions from the CLI's own definitions first. Exits 0 when the .deb is
# built, prints every artifact's path, and says which bundle could not be built here and why.
set -euo pipefail
cd "$(dirname "$0")/.."

# BUNDLE_PROFILE=debug packages target/debug instead (a quick check of the packaging only).
profile=${BUNDLE_PROFILE:-release}
release=target/$profile
debug_flag=()
[[ $profile == debug ]] && debug_flag=(--debug)
for bin in spotkey spotkey-desktop examples/man_page; do
  [[ -x $release/$bin ]] || { echo "bundle: $release/$bin is missing: run \`make bundle\` (it builds first)" >&2; exit 2; }
done

if ! command -v npm >/dev/null; then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm
fi
[[ -x node_modules/.bin/tauri ]] || npm install --no-save --no-audit --no-fund @tauri-apps/cli@2

# Man page and completions: the .deb installs them from here (tauri.conf.json, bundle.linux.deb.files).
share=target/share
mkdir -p "$share/bin"
# The tauri CLI packages the main (desktop) binary only: the CLI goes in as a listed file.
cp "$release/spotkey" "$share/bin/spotkey"
$release/examples/man_page | gzip -9n >"$share/spotkey.1.gz"
$release/spotkey completions bash >"$share/spotkey.bash"
$release/spotkey completions zsh >"$share/_spotkey"
$release/spotkey completions fish >"$share/spotkey.fish"

bundle_dir=$release/bundle
rm -rf "$bundle_dir/deb" "$bundle_dir/appimage"
log=$(mktemp -t spotkey-bundle.XXXXXX)
trap 'rm -f "$log"' EXIT

# `tauri bundle` packages what is already in target/release; it does not compile.
node_modules/.bin/tauri bundle --ci "${debug_flag[@]}" --bundles deb --features custom-protocol
deb=$(ls "$bundle_dir"/deb/*.deb)

appimage_note=""
if [[ ${BUNDLES:-deb,appimage} == *appimage* ]]; then
  if node_modules/.bin/tauri bundle --ci "${debug_flag[@]}" --bundles appimage --features custom-protocol >"$log" 2>&1; then
    appimage_note=""
  else
    why=$(grep -iE "error|failed" "$log" | tail -n 1 | sed 's/^[[:space:]]*//')
    appimage_note="AppImage: NOT built here: ${why:-the tauri CLI failed (see its output above)}. It downloads its tools (AppRun, linuxdeploy) from GitHub on first use; build it on a machine that can reach github.com."
    cat "$log" >&2
  fi
fi

echo
echo "Built:"
echo "  .deb:     $(realpath "$deb")"
for f in "$bundle_dir"/appimage/*.AppImage; do
  [[ -e $f ]] && echo "  AppImage: $(realpath "$f")"
done
[[ -n $appimage_note ]] && echo "$appimage_note"
echo "Install it with: sudo apt install $(realpath "$deb")"
