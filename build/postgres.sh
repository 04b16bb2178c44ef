#!/usr/bin/env bash
# A throwaway PostgreSQL server on 127.0.0.1 for the tests and the benchmark: Debian's server, a data directory under
# artifacts/postgres, trust authentication on loopback only, fsync off (the data is thrown away).
#   build/postgres.sh start [DIR [PORT]]   installs the server if it is missing, then a new cluster in DIR (initdb) and
#                                          pg_ctl start; prints the address (postgres://orch@127.0.0.1:PORT/orch)
#   build/postgres.sh stop [DIR]           stops it (the data stays)
#   build/postgres.sh up DIR PORT          starts a stopped cluster again (the outage tests)
# DIR defaults to artifacts/postgres, PORT to $ORCH_TEST_POSTGRES_PORT or 55432 (or the next free one). PostgreSQL will
# not run as root; as root the server runs as the postgres user the Debian package creates.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${2:-$root/artifacts/postgres}"
port="${3:-${ORCH_TEST_POSTGRES_PORT:-55432}}"

server_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

as_server() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  install)
    if [[ -z "$(server_bin)" ]] && command -v apt-get >/dev/null 2>&1; then
      sudo=""
      if [[ $(id -u) -ne 0 ]]; then sudo="sudo -n"; fi
      export DEBIAN_FRONTEND=noninteractive
      $sudo apt-get install -y -qq postgresql >/dev/null 2>&1 \
        || { $sudo apt-get update -qq >/dev/null 2>&1 && $sudo apt-get install -y -qq postgresql >/dev/null 2>&1; } || true
    fi
    [[ -n "$(server_bin)" ]]
    ;;
  start)
    "$0" install || { echo "postgres.sh: no PostgreSQL server here and it could not be installed" >&2; exit 1; }
    bin="$(server_bin)"
    # Another server (a developer's own, an earlier run's) may hold the port: take the next free one.
    for _ in $(seq 20); do
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
      port=$((port + 1))
    done
    "$0" stop "$data" >/dev/null 2>&1 || true
    rm -rf "$data"
    mkdir -p "$data"
    if [[ $(id -u) -eq 0 ]]; then chown postgres "$data"; fi
    as_server "$bin/initdb" -D "$data/db" -U orch --auth=trust -E UTF8 --no-instructions >/dev/null
    "$0" up "$data" "$port"
    as_server "$bin/psql" -h 127.0.0.1 -p "$port" -U orch -d postgres -qtA -c "CREATE DATABASE orch;" >/dev/null
    echo "postgres://orch@127.0.0.1:$port/orch"
    ;;
  up)
    bin="$(server_bin)"
    as_server "$bin/pg_ctl" -D "$data/db" -l "$data/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $data -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
      start >/dev/null
    ;;
  stop)
    bin="$(server_bin)"
    if [[ -n "$bin" && -f "$data/db/postmaster.pid" ]]; then
      as_server "$bin/pg_ctl" -D "$data/db" -m fast -w stop >/dev/null
    fi
    ;;
  *)
    echo "usage: build/postgres.sh install | start [DIR [PORT]] | stop [DIR] | up DIR PORT" >&2
    exit 2
    ;;
esac
