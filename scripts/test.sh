#!/usr/bin/env bash
# The whole test suite: formatting, lints, every Rust test (unit, property,
# integration against real processes) and the app in a real window under
# Xvfb through WebDriver. CI runs exactly this.
source "$(dirname "$0")/common.sh"
install_debian_packages
check_toolchains
if ! command -v tauri-driver >/dev/null; then
    echo "==> cargo install tauri-driver"
    cargo install tauri-driver --locked --quiet
fi
install_ui_packages

cd "$ROOT"
echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> TypeScript bindings generated from Rust are up to date"
npm --prefix ui run check-bindings --silent || { echo "ui/src/bindings is stale: commit the regenerated files" >&2; exit 1; }
echo "==> UI lint"
npm --prefix ui run lint --silent
build_ui
echo "==> cargo clippy"
cargo clippy --workspace --all-targets --features hotich-app/custom-protocol,hotich-app/ts -- -D warnings
build_app
export HOTICH_APP_BIN="$CARGO_TARGET_DIR/debug/hotich-app"
echo "==> cargo test (all suites, the real-window ones included)"
log="$(mktemp)"
cargo test --workspace --features hotich-app/custom-protocol -- --include-ignored 2>&1 | tee "$log"
# One closing line for the whole run (cargo prints one per test binary, the last often a doc-test "0 passed").
awk '/^test result:/ { passed += $4; failed += $6 } END { printf "hotich: %d passed, %d failed\n", passed, failed }' "$log"
