#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the registry's PostgreSQL suites and
# benchmarks, nothing assumed running: Debian's server binaries, a cluster
# under DIR, trust authentication on 127.0.0.1 only.
#   scripts/postgres.sh start DIR [PORT [CERT KEY]]   prints the admin URL (postgres://hotich@127.0.0.1:PORT/postgres)
#   scripts/postgres.sh stop DIR
# With CERT and KEY (PEM) the cluster takes TLS connections only, with that
# certificate (the registry's TLS suite).
# As root the server runs as the `postgres` user (it refuses root).
set -euo pipefail

command=${1:?start|stop}
dir=${2:?the cluster directory}
port=${3:-54329}
cert=${4:-}
key=${5:-}
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
[ -x "$bin/pg_ctl" ] || { echo "PostgreSQL's server is not installed (apt-get install postgresql)" >&2; exit 1; }

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$command" in
start)
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        as_owner "$bin/initdb" --pgdata="$dir/data" --username=hotich --auth=trust \
            --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
    fi
    tls=""
    if [ -n "$cert" ]; then
        install -m 600 "$cert" "$dir/data/server.crt"
        install -m 600 "$key" "$dir/data/server.key"
        [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/data/server.crt" "$dir/data/server.key"
        printf '%s\n' 'local all all trust' \
            'hostssl all all 127.0.0.1/32 trust' \
            'hostnossl all all 127.0.0.1/32 reject' >"$dir/data/pg_hba.conf"
        tls="-c ssl=on"
    fi
    # Durable as a deployment is (fsync, synchronous_commit): the suites and
    # the benchmark measure what production would do.
    as_owner "$bin/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --wait \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$dir' -c max_connections=300 $tls" \
        start >/dev/null
    echo "postgres://hotich@127.0.0.1:$port/postgres"
    ;;
stop)
    as_owner "$bin/pg_ctl" --pgdata="$dir/data" --mode=fast --wait stop >/dev/null
    ;;
*)
    echo "usage: $0 start|stop DIR [PORT]" >&2
    exit 2
    ;;
esac
