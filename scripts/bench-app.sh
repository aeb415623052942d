#!/usr/bin/env bash
# The desktop app's weight (issue 14): builds the release app as the package
# does (the UI built, then embedded with `custom-protocol`; an unchanged tree
# reuses $CARGO_TARGET_DIR/release/hotich-app), then starts it under Xvfb on a
# fresh demo database, once cold and N times warm, and prints the time from
# launch to the first usable screen, sign-in to queue and opening a case, and
# the PSS and RSS of every process of the app (the app, WebKit's web and
# network processes) after signing in and after a walk through queue, case,
# registration form, print preview and dashboard. How each figure is taken:
# the header of tests/src/bin/bench_app.rs.
#
#   scripts/bench-app.sh [--no-build] [--warm N] [LABEL=APP[,VAR=VALUE...]...]
#
# With no LABEL=APP, the release app just built is measured as "release".
# Several LABEL=APP variants (another binary, or extra environment such as
# WEBKIT_DISABLE_COMPOSITING_MODE=1) run in turns and are printed side by side.
# Not part of scripts/test.sh: a release build takes the machine for minutes.
source "$(dirname "$0")/common.sh"

build=1
warm=5
variants=()
while [ $# -gt 0 ]; do
    case "$1" in
        --no-build) build=0 ;;
        --warm) warm="$2"; shift ;;
        *) variants+=("$1") ;;
    esac
    shift
done

if [ "$build" = 1 ]; then
    install_debian_packages
    check_toolchains
    [ -d "$ROOT/ui/node_modules" ] || install_ui_packages
    build_ui
    echo "==> building the desktop app (release)"
    # As `tauri build` does: a release build with `custom-protocol`, which embeds ui/dist.
    cargo build --manifest-path "$ROOT/Cargo.toml" --release -p hotich-app --features hotich-app/custom-protocol
fi
command -v tauri-driver >/dev/null || [ -x "$HOME/.cargo/bin/tauri-driver" ] ||
    cargo install tauri-driver --locked
[ ${#variants[@]} -gt 0 ] || variants=("release=$CARGO_TARGET_DIR/release/hotich-app")

echo "==> building the bench"
cargo build --manifest-path "$ROOT/Cargo.toml" -p hotich-tests --bin bench_app
echo "==> measuring on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
"$CARGO_TARGET_DIR/debug/bench_app" --warm "$warm" "${variants[@]}"
