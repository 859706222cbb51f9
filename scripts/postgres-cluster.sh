#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on 127.0.0.1 for the test suite: `start DIR PORT` prints the server URL to
# put in TEST_POSTGRES_URL; `stop DIR` stops it. Needs Debian's postgresql (15) and root or the
# postgres user. Trust authentication and fsync off: for tests only, never for data anyone keeps.
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
action=${1:?usage: postgres-cluster.sh start DIR PORT | stop DIR}
dir=${2:?give the cluster folder}
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$action" in
  start)
    port=${3:?give the port}
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
    # UTF-8 with C collation: the same order of text on every machine, whatever its locale settings.
    as_postgres "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
      -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c fsync=off -c max_connections=200" start >/dev/null
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    [ -f "$dir/data/postmaster.pid" ] || exit 0
    as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  *) echo "usage: postgres-cluster.sh start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
