# Shared by scripts/run.sh and scripts/test.sh: install what a fresh Debian 12
# machine (as root, Rust toolchain present) needs to build and test Hotich.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/hotich-target}"
export PATH="$HOME/.cargo/bin:$PATH"

APT_PACKAGES=(
    # build the Tauri app
    libwebkit2gtk-4.1-dev libsoup-3.0-dev librsvg2-dev libayatana-appindicator3-dev libxdo-dev
    libssl-dev build-essential pkg-config file curl
    # run it and test it headless
    xvfb xauth webkit2gtk-driver poppler-utils fonts-noto-core dbus
    # the sync token in the OS keyring (keyring crate, Secret Service over D-Bus):
    # libdbus-1-dev to build it, gnome-keyring + dbus-run-session for the headless
    # keyring test, libsecret-tools (secret-tool) and keyutils to inspect keyrings
    libdbus-1-dev gnome-keyring libsecret-tools keyutils
    # the health sector's signed XML (hotich-health): libxmlsec1 and libxml2 to
    # build against (their Rust bindings run bindgen, hence libclang-dev), and
    # the xmlsec1 tool the interoperability tests check against
    libxmlsec1-dev libxml2-dev libclang-dev xmlsec1
    # the sqlite3 tool, which the encryption suites show cannot read the store
    sqlite3
    # zbarimg, the independent QR reader the signed-paper suites check against;
    # headless Chromium and its WebDriver for the static verification page
    zbar-tools chromium chromium-driver
    # the registry's PostgreSQL back-end: its suites start a throwaway
    # cluster of their own (scripts/postgres.sh); nginx, the TLS load
    # balancer of the deployment rehearsal (scripts/deploy-rehearsal.sh)
    postgresql nginx
)

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_debian_packages() {
    local missing=()
    for package in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "==> apt-get install ${missing[*]}"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

check_toolchains() {
    command -v cargo >/dev/null || { echo "Hotich needs Rust (rustup, 1.95 or newer) and cargo on PATH" >&2; exit 1; }
    command -v npm >/dev/null || { echo "==> apt-get install nodejs npm"; as_root apt-get install -y -qq nodejs npm >/dev/null; }
}

install_ui_packages() {
    echo "==> npm ci (ui)"
    npm --prefix "$ROOT/ui" ci --no-audit --no-fund --loglevel=error
}

build_ui() {
    echo "==> building the UI (and the static verification page, ui/dist-verify)"
    npm --prefix "$ROOT/ui" run build --silent
}

# One feature set for every cargo step of the test suite (clippy, the build,
# the tests and the TypeScript bindings), so they share compiled artifacts:
# each different set (or `-p` selection, which unifies features differently)
# compiles the Tauri tree again. `custom-protocol` embeds ui/dist, as a
# release does; `ts` derives the bindings that the suite writes to ui/src/bindings;
# the registry's `faults` and `testkit` are what its suites and the CLI's sync
# suites turn on as dev-dependencies, named here so `cargo build` unifies alike.
TEST_FEATURES="hotich-app/custom-protocol,hotich-app/ts,hotich-central/faults,hotich-central/testkit"

build_app() {
    echo "==> building the desktop app"
    cargo build --manifest-path "$ROOT/Cargo.toml" -p hotich-app --features custom-protocol "$@"
}
