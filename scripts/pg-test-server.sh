#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests.
#
#   scripts/pg-test-server.sh start [DIR]   initdb into DIR (a new temporary directory when omitted), start the
#                                           server on 127.0.0.1, create the database enforce_test and print its URL
#                                           postgres://postgres@127.0.0.1:PORT/enforce_test on standard output
#   scripts/pg-test-server.sh stop DIR      stop the server of DIR and delete DIR
#
# The port is $ENFORCE_PG_PORT, or 54329; when it is taken (a stale server of an earlier run, anything else), the
# next free port is used. Authentication is trust, on loopback and the cluster's own socket (in DIR) only; fsync is
# off: the cluster is for tests and dies with them. Installs postgresql-15 (Debian) when it is missing. As root the
# cluster runs as the user postgres; as another user it runs as that user (the database user is postgres anyway).
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
MARKER=.enforce-pg-test

say() { echo "pg-test-server: $*" >&2; }
die() {
    say "$*"
    exit 1
}

# Runs a command as the cluster's owner.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# Whether something listens on 127.0.0.1:$1.
port_busy() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

install_postgres() {
    [ -x "$PG_BIN/initdb" ] && return 0
    say "installing postgresql-15"
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq >&2
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >&2
    [ -x "$PG_BIN/initdb" ] || die "postgresql-15 did not install $PG_BIN/initdb"
}

start() {
    local dir=${1:-}
    if [ -z "$dir" ]; then
        dir=$(mktemp -d "${TMPDIR:-/tmp}/enforce-pg.XXXXXX")
    else
        mkdir -p "$dir"
        [ -z "$(ls -A "$dir")" ] || die "$dir is not empty"
    fi
    dir=$(cd "$dir" && pwd)
    touch "$dir/$MARKER"
    install_postgres
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || die "there is no user postgres (the postgresql-common package makes it)"
        chown -R postgres:postgres "$dir"
    fi
    chmod 700 "$dir"

    as_owner "$PG_BIN/initdb" -D "$dir/data" --auth=trust --username=postgres --encoding=UTF8 --locale=C \
        --no-sync >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        die "initdb failed"
    }

    local first=${ENFORCE_PG_PORT:-54329} port started=
    for ((port = first; port < first + 40; port++)); do
        if port_busy "$port"; then
            say "port $port is taken, trying the next"
            continue
        fi
        if as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 -s \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off \
                -c full_page_writes=off -c max_connections=300 -c shared_buffers=64MB" start >&2; then
            started=$port
            break
        fi
        # Lost a race for the port, or another failure: the log tells which; try the next port once more.
        tail -n 3 "$dir/server.log" >&2 || true
    done
    [ -n "$started" ] || die "the server did not start (log: $dir/server.log)"

    as_owner "$PG_BIN/createdb" -h "$dir" -p "$started" -U postgres enforce_test ||
        die "createdb enforce_test failed"
    local url="postgres://postgres@127.0.0.1:$started/enforce_test"
    echo "$url" >"$dir/url"
    say "server in $dir on port $started (stop with: $0 stop $dir)"
    echo "$url"
}

stop() {
    local dir=${1:-}
    [ -n "$dir" ] || die "usage: $0 stop DIR"
    [ -d "$dir" ] || return 0
    if [ ! -e "$dir/$MARKER" ]; then
        # An empty directory is what a caller made for a server that never started.
        rmdir "$dir" 2>/dev/null || die "$dir was not made by $0: not deleting it"
        return 0
    fi
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w -s stop >&2 || say "pg_ctl stop failed"
    fi
    rm -rf "$dir"
}

case "${1:-}" in
start) start "${2:-}" ;;
stop) stop "${2:-}" ;;
*) die "usage: $0 start [DIR] | stop DIR" ;;
esac
