#!/usr/bin/env bash
# The whole job on one machine: a local demo central registry (hotich-central
# serve on loopback, trusting the demo facilities and one workstation of the
# demo commune), a facility simulator posting a few new signed notifications
# every minute (one facility also plays the commune health station, returning
# the causes of the deaths the demo registers), and the app in demo mode connected to that registry, so
# notifications arrive through sync and work reaches the registry ("Đã gửi").
# Stop the registry (its pid is printed) to see the sync status change. The
# demo processes end when the app closes. scripts/run.sh builds and calls it;
# the window suite runs it with its own app and a shorter interval.
#
#   HOTICH_DEMO_APP       the app binary (required)
#   HOTICH_DEMO_CENTRAL   the hotich-central binary (required)
#   HOTICH_DEMO_EVERY     seconds between the simulator's posts (default 60, at least 10)
#   HOTICH_DEMO_DIR       where the registry keeps its files (default: a new temp folder)
set -euo pipefail

app="${HOTICH_DEMO_APP:?the app binary}"
central="${HOTICH_DEMO_CENTRAL:?the hotich-central binary}"
every="${HOTICH_DEMO_EVERY:-60}"
[ "$every" -ge 10 ] || { echo "HOTICH_DEMO_EVERY must be at least 10 (seconds)" >&2; exit 2; }
commune=01864 # Xã Bằng Thành, Thái Nguyên: the demo commune
dir="${HOTICH_DEMO_DIR:-$(mktemp -d -t hotich-demo.XXXXXX)}"
mkdir -p "$dir"

pids=()
stop_demo() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap stop_demo EXIT
trap 'exit 143' TERM INT

echo "==> demo registry in $dir"
"$central" simulate --commune "$commune" --births 0 --deaths 0 --format all --out "$dir/sim" >/dev/null
"$central" trust import --demo-root --db "$dir/registry.db" "$dir/sim/trust.json" >/dev/null
# The simulator's demo PKI (docs/health-formats.md, "What the simulator makes"): the
# demo registry trusts it for the facilities' signed XML, and gives each facility a
# sender token for FHIR. A real registry never adds it.
for ca in root intermediate; do
    "$central" trust ca add --db "$dir/registry.db" "$dir/sim/pki/$ca.pem" >/dev/null
done
"$central" trust crl add --db "$dir/registry.db" "$dir/sim/pki/intermediate.crl" >/dev/null
facility_tokens=()
station=""
for cert in "$dir"/sim/pki/facility-*.pem; do
    facility="$(basename "$cert" .pem)"
    facility="${facility#facility-}"
    "$central" trust facility-cert add --db "$dir/registry.db" --facility "$facility" "$cert" >/dev/null
    facility_token="$("$central" facility-sender add --db "$dir/registry.db" --facility "$facility" --fhir 2>/dev/null)"
    facility_tokens+=(--facility-token "$facility=$facility_token")
    # The first facility plays the commune's health station: the deaths the demo
    # registers are shared with it, and it returns their causes (Justice → Health).
    if [ -z "$station" ]; then station="$facility"; station_token="$facility_token"; fi
done
"$central" health-station set --db "$dir/registry.db" "$commune" "$station" >/dev/null
token="$("$central" workstation add --db "$dir/registry.db" --commune "$commune" --label "demo workstation")"

"$central" serve --db "$dir/registry.db" --listen 127.0.0.1:0 >"$dir/registry.out" 2>"$dir/registry.log" &
pids+=("$!")
registry_pid="$!"
url=""
for _ in $(seq 1 100); do
    url="$(sed -n 's/^listening on //p' "$dir/registry.out")"
    [ -n "$url" ] && break
    kill -0 "$registry_pid" 2>/dev/null || { cat "$dir/registry.log" >&2; exit 1; }
    sleep 0.1
done
[ -n "$url" ] || { echo "the demo registry did not start" >&2; exit 1; }
echo "==> demo registry at $url (pid $registry_pid; kill it to see the app go offline)"

# The facilities: a few new signed notifications now and then every $every s,
# each as Hotich JWS, signed official XML or FHIR (--format all).
# Each round numbers its papers from the clock (a block of 10 per 10 s, from
# 1,000,000 up: the demo's seeded papers stay under 100,000), so no round,
# even of an earlier run against the same demo database, reuses an id.
(
    trap 'kill "$child" 2>/dev/null; exit 0' TERM
    while true; do
        now="$(date +%s)"
        "$central" simulate --commune "$commune" --births 2 --deaths 1 --seed "$now" \
            --first-number "$(( 1000000 + now - now % 10 ))" --format all "${facility_tokens[@]}" \
            --post "$url" >>"$dir/simulator.log" 2>&1 &
        child=$!
        wait "$child" || true
        "$central" health-station answer --registry "$url" --token "$station_token" \
            --facility "$station" >>"$dir/station.log" 2>&1 || true
        sleep "$every" &
        child=$!
        wait "$child" || true
    done
) &
pids+=("$!")
echo "==> facility simulator posting every ${every}s (log: $dir/simulator.log)"

HOTICH_INSTALLATION=demo HOTICH_DEMO_REGISTRY="$url" HOTICH_TOKEN="$token" \
    HOTICH_SYNC_INTERVAL_SECONDS="${HOTICH_SYNC_INTERVAL_SECONDS:-20}" "$app" &
pids+=("$!")
app_pid="$!"
wait "$app_pid" || true
