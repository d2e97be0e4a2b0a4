#!/usr/bin/env bash
# `make check-deb`: what a new user gets from the .deb. Installs the built package with apt (its
# Depends and Recommends resolved), runs `spotkey --version` and `spotkey status` from PATH, starts
# the desktop entry's Exec line under Xvfb and waits for its window, then purges the package and
# checks that none of its files is left. Needs root (or sudo), apt and Xvfb. Not in `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

deb=$(realpath "$(ls "target/${BUNDLE_PROFILE:-release}"/bundle/deb/*.deb | head -n 1)")
sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"
fail() { echo "check-deb: FAIL: $*" >&2; exit 1; }
step() { echo "check-deb: $*"; }

if dpkg-query -W -f='${Status}' spotkey 2>/dev/null | grep -q "install ok installed"; then
  fail "spotkey is already installed on this machine; remove it first (this check purges it)"
fi

step "package: $deb"
dpkg-deb --field "$deb" Package Version Maintainer Section Homepage Depends Recommends
step "installing with apt"
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$deb" >/dev/null
files=$(dpkg -L spotkey)

for path in /usr/bin/spotkey /usr/bin/spotkey-desktop /usr/share/doc/spotkey/copyright \
  /usr/share/man/man1/spotkey.1.gz /usr/share/bash-completion/completions/spotkey \
  /usr/share/zsh/vendor-completions/_spotkey /usr/share/fish/vendor_completions.d/spotkey.fish \
  /usr/share/icons/hicolor/32x32/apps/spotkey-desktop.png \
  /usr/share/icons/hicolor/128x128/apps/spotkey-desktop.png \
  /usr/share/icons/hicolor/256x256/apps/spotkey-desktop.png; do
  [[ -e $path ]] || fail "$path is not installed"
done
step "installed: binaries, copyright, man page, bash/zsh/fish completions, 32/128/256 px icons"

version=$(cd / && spotkey --version)
[[ $version == "spotkey $(dpkg-deb --field "$deb" Version)" ]] || fail "spotkey --version said: $version"
step "spotkey --version: $version"
man -l /usr/share/man/man1/spotkey.1.gz 2>/dev/null | grep -q "spotkey" || fail "the man page does not render"

# status in a private keychain session: signed out, exit 1 (the documented code), one line of text.
set +e
status=$(SPOTKEY_CLIENT_ID=check-deb-client scripts/test-env.sh spotkey status 2>&1)
code=$?
set -e
[[ $code -eq 1 ]] || fail "spotkey status exited $code: $status"
step "spotkey status (exit $code): $status"

entry=$(grep -l "^Exec=" /usr/share/applications/*.desktop | xargs grep -l "spotkey" | head -n 1)
exec_line=$(sed -n 's/^Exec=//p' "$entry" | head -n 1)
program=${exec_line%% *}
[[ $(command -v "$program") == /usr/bin/spotkey-desktop ]] || fail "$entry runs $exec_line"
step "desktop entry $entry: Exec=$exec_line"
# The window titled "spotkey" must appear; the app then stays until we stop it.
window_seen=$(SPOTKEY_CLIENT_ID=check-deb-client scripts/test-env.sh xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  '"$program"' >/tmp/spotkey-check-deb.log 2>&1 &
  app=$!
  for _ in $(seq 300); do
    if python3 scripts/x11-window-exists.py spotkey; then echo WINDOW-SEEN; break; fi
    kill -0 $app 2>/dev/null || break
    sleep 0.1
  done
  kill $app 2>/dev/null; wait $app 2>/dev/null || true') || true
# (Other lines on stdout come from the session helpers.)
[[ $window_seen == *WINDOW-SEEN* ]] || fail "no spotkey window appeared under Xvfb: $(cat /tmp/spotkey-check-deb.log)"
step "the desktop entry's program opened its window under Xvfb"

step "purging"
DEBIAN_FRONTEND=noninteractive $sudo apt-get purge -y -qq spotkey >/dev/null
left=()
while read -r path; do
  [[ -f $path || -L $path ]] && left+=("$path")
done <<<"$files"
[[ ${#left[@]} -eq 0 ]] || fail "left after purge: ${left[*]}"
dpkg-query -W spotkey >/dev/null 2>&1 && fail "dpkg still knows spotkey"
step "purged: none of the package's $(wc -l <<<"$files") paths is left as a file"
echo "check-deb: OK"
