#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: initdb + pg_ctl in a temporary folder, run by an
# unprivileged user (PostgreSQL refuses to run as root), listening on 127.0.0.1 only.
#
#   scripts/throwaway-postgres.sh start DIR   prints the server's URL (postgresql://...) on stdout:
#                                             its Unix socket in DIR, three times faster a round
#                                             trip than TCP on loopback (it also listens on 127.0.0.1)
#   scripts/throwaway-postgres.sh stop DIR    stops it (DIR can then be removed)
#
# Durability is switched off (fsync, synchronous_commit, full_page_writes): the cluster lives
# for one test run, and tests create and drop a database each.
set -euo pipefail
action=${1:?start or stop}
dir=${2:?a folder for the cluster}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/initdb" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}
case "$action" in
start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)  # the socket's folder goes into the URL: an absolute path
    [ "$(id -u)" = 0 ] && chown nobody "$dir"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$bin/initdb" --pgdata="$dir/data" --username=coprod --auth=trust --encoding=UTF8 \
        --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bin/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --wait --silent start \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir \
            -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 \
            -c shared_buffers=128MB" >&2
    echo "postgresql://coprod@/postgres?host=$dir&port=$port"
    ;;
stop)
    as_owner "$bin/pg_ctl" --pgdata="$dir/data" --mode=immediate --wait --silent stop >&2 || true
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2; exit 2
    ;;
esac
