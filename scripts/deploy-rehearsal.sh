#!/usr/bin/env bash
# Runs every command of docs/deploy.md on this machine, in its order: a
# primary PostgreSQL with WAL archiving, a streaming standby, two registry
# processes (over TLS to the database) behind nginx terminating TLS, a
# base backup restored from the
# archive, a failover to the standby. Loopback ports and one temporary
# directory stand for the hosts and paths of the page; each step is checked.
#   scripts/deploy-rehearsal.sh [HOTICH_CENTRAL_BINARY]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
central="${1:-${CARGO_TARGET_DIR:-$HOME/.cache/hotich-target}/debug/hotich-central}"
[ -x "$central" ] || { echo "no hotich-central at $central (cargo build -p hotich-central)" >&2; exit 1; }
pg="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
[ -x "$pg/pg_ctl" ] && [ -x "$nginx_bin" ] || { echo "needs postgresql and nginx (apt-get install postgresql nginx)" >&2; exit 1; }

T="$(mktemp -d)"
chmod 755 "$T"
# As root, PostgreSQL runs as `postgres` (it refuses root).
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    [ -f "$T/nginx/nginx.pid" ] && "$nginx_bin" -p "$T/nginx" -c "$T/nginx/nginx.conf" -s stop 2>/dev/null || true
    for data in primary standby restored; do
        [ -f "$T/$data/postmaster.pid" ] && as_pg "$pg/pg_ctl" --pgdata="$T/$data" --mode=immediate stop >/dev/null 2>&1 || true
    done
    rm -rf "$T"
}
trap cleanup EXIT
step() { echo "==> [${SECONDS}s] $*"; }
fail() { echo "REHEARSAL FAILED: $*" >&2; exit 1; }
mkdir -p "$T/log" "$T/sock" "$T/wal" "$T/base" "$T/sim" "$T/tls" "$T/nginx"
mkdir -m 700 "$T/primary" "$T/standby" "$T/restored"
[ "$(id -u)" -eq 0 ] && chown postgres: "$T/log" "$T/sock" "$T/wal" "$T/base" "$T/primary" "$T/standby" "$T/restored"
P_PORT=54401 S_PORT=54402 R_PORT=54403
psql_on() { local port=$1; shift; as_pg "$pg/psql" --host="$T/sock" --port="$port" --username=postgres -Atq "$@"; }
PASSWORD="rehearsal-$(openssl rand -hex 8)"
REPLICATION_PASSWORD="replication-$(openssl rand -hex 8)"

step "1. the primary (docs/deploy.md §1)"
as_pg "$pg/initdb" --pgdata="$T/primary" --username=postgres --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null
# The primary's certificate (a CA's, for its name, on real machines): the
# standby and the restore inherit it with the data directory.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
    -keyout "$T/primary/server.key" -out "$T/primary/server.crt" 2>/dev/null
chmod 600 "$T/primary/server.key"
[ "$(id -u)" -eq 0 ] && chown postgres: "$T/primary/server.key" "$T/primary/server.crt"
cp "$T/primary/server.crt" "$T/database-ca.pem"
as_pg tee -a "$T/primary/postgresql.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
port = $P_PORT
unix_socket_directories = '$T/sock'
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
archive_mode = on
archive_command = 'test ! -f $T/wal/%f && cp %p $T/wal/%f'
max_connections = 200
ssl = on
EOF
as_pg tee -a "$T/primary/pg_hba.conf" >/dev/null <<EOF
hostssl  hotich       hotich      127.0.0.1/32  scram-sha-256
hostssl  replication  replicator  127.0.0.1/32  scram-sha-256
EOF
as_pg "$pg/pg_ctl" --pgdata="$T/primary" --log="$T/log/primary.log" --wait start >/dev/null
psql_on $P_PORT --command="CREATE ROLE hotich LOGIN PASSWORD '$PASSWORD'"
psql_on $P_PORT --command="CREATE DATABASE hotich OWNER hotich"
psql_on $P_PORT --command="CREATE ROLE replicator REPLICATION LOGIN PASSWORD '$REPLICATION_PASSWORD'"

step "2. the standby, streaming from the primary (§2)"
as_pg env PGPASSWORD="$REPLICATION_PASSWORD" "$pg/pg_basebackup" --host=127.0.0.1 --port=$P_PORT \
    --username=replicator --pgdata="$T/standby" --checkpoint=fast --wal-method=stream --write-recovery-conf \
    --create-slot --slot=standby1 >/dev/null
as_pg "$pg/pg_ctl" --pgdata="$T/standby" --log="$T/log/standby.log" --wait -o "-p $S_PORT" start >/dev/null
for _ in $(seq 50); do
    [ "$(psql_on $P_PORT --command="SELECT state FROM pg_stat_replication")" = streaming ] && break
    sleep 0.2
done
[ "$(psql_on $P_PORT --command="SELECT state FROM pg_stat_replication")" = streaming ] || fail "the standby is not streaming"
[ "$(psql_on $S_PORT --command="SELECT pg_is_in_recovery()")" = t ] || fail "the standby is not in recovery"

step "4. two registry processes on the primary (§4)"
# On loopback the registry would stay plain unless told: sslmode=require,
# as it is by default to another machine.
export HOTICH_DATABASE="postgres://hotich:$PASSWORD@127.0.0.1:$P_PORT/hotich?sslmode=require"
export PGSSLROOTCERT="$T/database-ca.pem"
"$central" simulate --commune 01864 --births 40 --deaths 20 --seed 5 --today 2026-11-21 --out "$T/sim" 2>/dev/null
"$central" trust import --demo-root "$T/sim/trust.json" 2>/dev/null
token="$("$central" workstation add --commune 01864 --label "rehearsal" 2>/dev/null)"
openssl rand -hex 32 >"$T/metrics-token"
start_registry() {
    local port=$1 database=$2
    rm -f "$T/registry-$port.out"
    HOTICH_DATABASE="$database" "$central" serve --listen "127.0.0.1:$port" --behind-proxy \
        --metrics-token-file "$T/metrics-token" >"$T/registry-$port.out" 2>"$T/registry-$port.log" &
    pids+=($!)
    for _ in $(seq 100); do grep -q "listening on" "$T/registry-$port.out" 2>/dev/null && return; sleep 0.1; done
    fail "the registry on port $port did not start: $(cat "$T/registry-$port.log")"
}
start_registry 18801 "$HOTICH_DATABASE"
start_registry 18802 "$HOTICH_DATABASE"
ps -o args= -p "${pids[0]}" | grep -q "$PASSWORD" && fail "the database password is in the process list"
[ "$(psql_on $P_PORT --command="SELECT count(*) > 0 AND bool_and(s.ssl) FROM pg_stat_activity a
      JOIN pg_stat_ssl s USING (pid) WHERE a.usename = 'hotich'")" = t ] ||
    fail "the registries' connections to the database are not all TLS"

step "5. nginx terminating TLS in front of both (§5)"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
    -keyout "$T/tls/registry.key" -out "$T/tls/registry.pem" 2>/dev/null
cat >"$T/nginx/nginx.conf" <<EOF
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log;
events {}
http {
    access_log off;
    client_body_temp_path $T/nginx/body;
    proxy_temp_path $T/nginx/proxy;
    upstream hotich_registry {
        server 127.0.0.1:18801 max_fails=2 fail_timeout=5s;
        server 127.0.0.1:18802 max_fails=2 fail_timeout=5s;
    }
    server {
        listen 127.0.0.1:18443 ssl;
        server_name registry.example.gov.vn;
        ssl_certificate     $T/tls/registry.pem;
        ssl_certificate_key $T/tls/registry.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        client_max_body_size 32m;
        location / {
            proxy_pass http://hotich_registry;
            proxy_next_upstream error timeout;
            proxy_set_header X-Request-Id \$request_id;
        }
    }
}
EOF
"$nginx_bin" -p "$T/nginx" -c "$T/nginx/nginx.conf" -t 2>/dev/null || fail "nginx -t: $("$nginx_bin" -p "$T/nginx" -c "$T/nginx/nginx.conf" -t 2>&1)"
"$nginx_bin" -p "$T/nginx" -c "$T/nginx/nginx.conf"
LB=https://127.0.0.1:18443
https() { curl --silent --show-error --fail --cacert "$T/tls/registry.pem" "$@"; }
posted="$(https -H 'content-type: application/json' --data-binary @"$T/sim/notifications.json" "$LB/v1/notifications")"
stored="$(echo "$posted" | grep -o '"status":"stored"' | wc -l)"
issued="$(grep -o '"payload"' "$T/sim/notifications.json" | wc -l)"
[ "$stored" -eq "$issued" ] && [ "$issued" -gt 0 ] || fail "stored $stored of $issued through the load balancer"
# Pages through the load balancer alternate between the processes: one stream.
pull_all() {
    local after=0 seqs=() page
    while :; do
        page="$(https -H "authorization: Bearer $token" "$LB/v1/communes/01864/events?after=$after&limit=7")"
        seqs+=($(echo "$page" | grep -o '"seq":[0-9]*' | cut -d: -f2))
        after="$(echo "$page" | grep -o '"next_cursor":[0-9]*' | cut -d: -f2)"
        echo "$page" | grep -q '"has_more":true' || break
    done
    echo "${seqs[@]}"
}
expected="$(seq -s ' ' 1 "$issued")"
[ "$(pull_all)" = "$expected" ] || fail "the stream through the load balancer is not 1..$issued"
for port in 18801 18802; do
    metrics="$(curl --silent --fail -H "authorization: Bearer $(cat "$T/metrics-token")" "http://127.0.0.1:$port/metrics")"
    echo "$metrics" | grep -q 'hotich_http_requests_total{route="/v1/communes/{commune}/events"' ||
        fail "the process on $port served no pull: the load balancer did not spread them"
    echo "$metrics" | grep -q 'hotich_db_pool_max_connections 16' || fail "no pool metric on $port"
done
# A dead process: the load balancer sends the requests to the other.
kill -9 "${pids[0]}"
wait "${pids[0]}" 2>/dev/null || true
[ "$(pull_all)" = "$expected" ] || fail "one process killed: the stream is not whole through the other"
start_registry 18801 "$HOTICH_DATABASE"

step "2. (check) the standby holds what the registries wrote"
for _ in $(seq 50); do
    [ "$(psql_on $S_PORT --dbname=hotich --command="SELECT count(*) FROM notification_event")" = "$issued" ] && break
    sleep 0.2
done
[ "$(psql_on $S_PORT --dbname=hotich --command="SELECT count(*) FROM notification_event")" = "$issued" ] ||
    fail "the standby does not hold the $issued notifications"

step "3. a base backup, more writes, the WAL archived, a restore to the end of the archive (§3)"
as_pg env PGPASSWORD="$REPLICATION_PASSWORD" "$pg/pg_basebackup" --host=127.0.0.1 --port=$P_PORT \
    --username=replicator --pgdata="$T/base/2026-12-01" --checkpoint=fast --format=tar --gzip --wal-method=fetch >/dev/null
"$central" simulate --commune 01864 --births 10 --deaths 5 --seed 5 --first-number 900000 --today 2026-11-21 \
    --out "$T/sim2" 2>/dev/null
https -H 'content-type: application/json' --data-binary @"$T/sim2/notifications.json" "$LB/v1/notifications" >/dev/null
total="$(psql_on $P_PORT --dbname=hotich --command="SELECT count(*) FROM notification_event")"
[ "$total" -gt "$issued" ] || fail "the second post stored nothing"
psql_on $P_PORT --command="SELECT pg_switch_wal()" >/dev/null
for _ in $(seq 50); do
    [ "$(psql_on $P_PORT --command="SELECT failed_count = 0 AND last_archived_wal IS NOT NULL FROM pg_stat_archiver")" = t ] && break
    sleep 0.2
done
[ -n "$(ls "$T/wal")" ] || fail "nothing archived"
as_pg tar -xzf "$T/base/2026-12-01/base.tar.gz" -C "$T/restored"
as_pg touch "$T/restored/recovery.signal"
echo "restore_command = 'cp $T/wal/%f %p'" | as_pg tee -a "$T/restored/postgresql.auto.conf" >/dev/null
as_pg "$pg/pg_ctl" --pgdata="$T/restored" --log="$T/log/restored.log" --wait --timeout=120 \
    -o "-p $R_PORT -c archive_mode=off" start >/dev/null
for _ in $(seq 100); do
    [ "$(psql_on $R_PORT --command="SELECT pg_is_in_recovery()")" = f ] && break
    sleep 0.2
done
[ "$(psql_on $R_PORT --dbname=hotich --command="SELECT count(*) FROM notification_event")" = "$total" ] ||
    fail "the restore does not hold the $total notifications"

step "2. (failover) the standby promoted, a registry on it"
as_pg "$pg/pg_ctl" --pgdata="$T/primary" --mode=immediate --wait stop >/dev/null
as_pg "$pg/pg_ctl" --pgdata="$T/standby" --wait promote >/dev/null
promoted="postgres://hotich:$PASSWORD@127.0.0.1:$S_PORT/hotich?sslmode=require"
for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
pids=()
start_registry 18801 "$promoted"
start_registry 18802 "$promoted"
seqs="$(pull_all)"
[ "$(echo "$seqs" | wc -w)" -eq "$total" ] || fail "the promoted standby does not serve the $total notifications"
https -H 'content-type: application/json' --data-binary @"$T/sim/notifications.json" "$LB/v1/notifications" |
    grep -q '"status":"duplicate"' || fail "the promoted standby does not take posts"
echo "deploy rehearsal (${SECONDS}s): primary, standby, two registries behind TLS, backup and restore, failover: all as docs/deploy.md says"
