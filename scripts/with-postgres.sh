#!/usr/bin/env bash
# Runs "$@" against a throw-away PostgreSQL 15 in a temporary directory on a free port, with
# DATABASE_URL set, and stops the server afterwards whatever happens.
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
dir=$(mktemp -d /tmp/retour-pg.XXXXXX)
port=$("$(dirname "$0")/free-port.sh")
chown postgres "$dir" 2>/dev/null || true
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

stop() {
  as_postgres "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

as_postgres "$bin/initdb" -D "$dir/data" -A trust -U retour >/dev/null
as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >/dev/null
"$bin/createdb" -h 127.0.0.1 -p "$port" -U retour retour
export DATABASE_URL="postgres://retour@127.0.0.1:$port/retour?sslmode=disable"
# For tests that take the database away and bring it back (the hostile stage).
runner=""; [ "$(id -u)" -eq 0 ] && runner="runuser -u postgres --"
export RETOUR_PG_STOP="$runner $bin/pg_ctl -D $dir/data -m fast -w stop"
export RETOUR_PG_START="$runner $bin/pg_ctl -D $dir/data -l $dir/server.log -w -o '-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off' start"
echo "PostgreSQL 15 on port $port"
"$@"
