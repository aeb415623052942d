#!/usr/bin/env bash
# Installs everything Hotich needs on Debian 12, builds the app and the
# reference registry, and shows the whole job running (scripts/demo.sh): a
# local demo registry, a facility simulator posting new signed notifications
# every minute, and the app in demo mode connected to them.
source "$(dirname "$0")/common.sh"
install_debian_packages
check_toolchains
install_ui_packages
build_ui
build_app --release
echo "==> building the demo registry"
cargo build --manifest-path "$ROOT/Cargo.toml" --release -p hotich-central
HOTICH_DEMO_APP="$CARGO_TARGET_DIR/release/hotich-app" \
    HOTICH_DEMO_CENTRAL="$CARGO_TARGET_DIR/release/hotich-central" \
    exec bash "$ROOT/scripts/demo.sh"
