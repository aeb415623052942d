#!/usr/bin/env bash
# Installs everything Hotich needs on Debian 12 and opens the app on its
# embedded defaults (local SQLite with a demo commune's notifications).
source "$(dirname "$0")/common.sh"
install_debian_packages
check_toolchains
install_ui_packages
build_ui
build_app --release
exec "$CARGO_TARGET_DIR/release/hotich-app"
