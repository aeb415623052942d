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
echo "==> no reference to a document outside the repository"
if grep -rn --include='*.rs' --include='*.ts' --include='*.svelte' --include='*.toml' --include='*.sh' --include='*.md' --exclude=test.sh \
        -e 'DESIGN\.md' -e 'SETUP-NOTES' -- crates src-tauri ui/src tests scripts docs Cargo.toml README.md; then
    echo "the references above point at documents that are not in the repository (see docs/)" >&2
    exit 1
fi
echo "==> UI lint"
npm --prefix ui run lint --silent
build_ui
echo "==> cargo build, linted by clippy as it compiles (every target: the binaries the suites run, the tests, benches and examples)"
# `cargo clippy` is `cargo check` with clippy-driver as the rustc of the
# workspace's own crates (RUSTC_WORKSPACE_WRAPPER, its flags in CLIPPY_ARGS).
# Building through the same wrapper lints each workspace target in the pass that
# compiles it, instead of a separate check of the whole dependency tree (a third
# of a cold run); `cargo test` below keeps the wrapper, so it reuses these
# artifacts. Test targets turn the dev-dependencies on, so features unify
# exactly as in `cargo test`, and the binaries (hotich-app has no test that
# would build it) come from the same artifacts.
RUSTC_WORKSPACE_WRAPPER="$(command -v clippy-driver)" ||
    { echo "clippy-driver is not on PATH: rustup component add clippy" >&2; exit 1; }
export RUSTC_WORKSPACE_WRAPPER
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
cargo build --workspace --all-targets --features "$TEST_FEATURES"
export HOTICH_APP_BIN="$CARGO_TARGET_DIR/debug/hotich-app"
echo "==> the Debian package (a release build), installed as an office would (dpkg -i)"
# The package is built as it ships: plain rustc, not the linting wrapper.
deb="$(env -u RUSTC_WORKSPACE_WRAPPER -u CLIPPY_ARGS bash scripts/package.sh | tee /dev/stderr | tail -n 1)"
as_root dpkg -i "$deb" >/dev/null
# The package's own suite starts what dpkg installed.
# dpkg-deb lists paths as "usr/bin/x" or "./usr/bin/x" depending on its version.
HOTICH_INSTALLED_APP="$(dpkg-deb -c "$deb" | awk '$6 ~ /^(\.\/)?usr\/bin\/./ { sub(/^\.?\/?/, "/", $6); print $6; exit }')"
[ -x "$HOTICH_INSTALLED_APP" ] || { echo "the package installed no program in /usr/bin" >&2; exit 1; }
export HOTICH_INSTALLED_APP
echo "==> a PostgreSQL cluster of the suites' own (the registry's PostgreSQL back-end)"
pg_dir="$(mktemp -d)"
chmod 755 "$pg_dir"
HOTICH_TEST_POSTGRES="$(bash "$ROOT/scripts/postgres.sh" start "$pg_dir/cluster" "${HOTICH_TEST_POSTGRES_PORT:-54329}")"
export HOTICH_TEST_POSTGRES
trap 'bash "$ROOT/scripts/postgres.sh" stop "$pg_dir/cluster" || true; rm -rf "$pg_dir"' EXIT
echo "==> cargo test (all suites, the real-window ones and the bindings export included)"
log="$(mktemp)"
cargo test --workspace --no-fail-fast --features "$TEST_FEATURES" -- --include-ignored 2>&1 | tee "$log"
echo "==> the registry's suites and the sync suites again, every registry on PostgreSQL"
# The same targets (and features) as above: nothing is compiled again.
HOTICH_TEST_BACKEND=postgres cargo test --workspace --no-fail-fast --features "$TEST_FEATURES" \
    --test cli --test health_loop --test limits --test logging --test metrics --test official_documents \
    --test openapi --test pilot --test province_page --test workstations --test sync --test sync_chaos \
    --test sync_tls 2>&1 | tee -a "$log"
echo "==> the national deployment rehearsed: every command of docs/deploy.md on this machine"
bash "$ROOT/scripts/deploy-rehearsal.sh" "$CARGO_TARGET_DIR/debug/hotich-central"
echo "==> TypeScript bindings generated from Rust are up to date"
git diff --exit-code --stat -- ui/src/bindings && test -z "$(git status --porcelain -- ui/src/bindings)" ||
    { echo "ui/src/bindings is stale: commit the regenerated files" >&2; exit 1; }
# One closing line for the whole run (cargo prints one per test binary, the last often a doc-test "0 passed").
awk '/^test result:/ { passed += $4; failed += $6 } END { printf "hotich: %d passed, %d failed\n", passed, failed }' "$log"
