#!/usr/bin/env bash
# Builds the desktop app's Debian package with the Tauri bundler (npm
# @tauri-apps/cli) from src-tauri/tauri.conf.json: a release build with the UI
# embedded, the desktop entry (packaging/hotich.desktop), the icon and the
# licences of the shipped fonts and data. Prints the .deb's path last.
source "$(dirname "$0")/common.sh"
install_debian_packages
check_toolchains
[ -x "$ROOT/ui/node_modules/.bin/tauri" ] || install_ui_packages
build_ui
echo "==> tauri build --bundles deb (release)"
(cd "$ROOT/src-tauri" && "$ROOT/ui/node_modules/.bin/tauri" build --bundles deb --ci)
deb="$(ls -t "$CARGO_TARGET_DIR"/release/bundle/deb/*.deb | head -n 1)"
echo "$deb"
