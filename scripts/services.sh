#!/usr/bin/env bash
# Project-local PostgreSQL and Redis for development and tests.
#
#   scripts/services.sh up            start what is not running; prints the names it started
#   scripts/services.sh down [NAME…]  stop the named services (default: both)
#   scripts/services.sh status
#   scripts/services.sh with CMD…     run CMD with both services up; afterwards stop what this
#                                     started, unless another `with` still uses it
#   scripts/services.sh purge         stop both and delete their data
#
# Data lives under var/ (git-ignored). PostgreSQL refuses to run as root, so as root the
# cluster belongs to the `postgres` system user; when that user cannot enter this checkout
# (a clone under /root, say) the cluster lives in /var/tmp and var/postgres links to it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAR="${TECHPORTAL_VAR:-$ROOT/var}"
PG_PORT="${TECHPORTAL_PG_PORT:-54329}"
REDIS_PORT="${TECHPORTAL_REDIS_PORT:-63799}"
DB_NAME="techportal"
DB_USER="techportal"

log() { echo "services: $*" >&2; }

# Debian keeps initdb and pg_ctl out of PATH, in /usr/lib/postgresql/<version>/bin.
if ! command -v pg_ctl >/dev/null; then
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        PATH="$dir:$PATH"
        break
    done
fi
if ! command -v pg_ctl >/dev/null; then
    log "PostgreSQL's server programs (initdb, pg_ctl) are missing; run 'make sysdeps'"
    exit 1
fi

# Run a PostgreSQL command as its owner: `postgres` when we are root. From / so that the
# postgres user need not be able to enter the current folder; all our paths are absolute.
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

pg_datadir() {
    local dir="$VAR/postgres"
    if [ -L "$dir" ]; then readlink -f "$dir"; return 0; fi
    if [ -d "$dir" ]; then echo "$dir"; return 0; fi
    mkdir -p "$VAR"
    if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$VAR"; then
        local elsewhere
        elsewhere="/var/tmp/techportal-$(echo -n "$ROOT" | md5sum | cut -c1-10)/postgres"
        mkdir -p "$elsewhere"
        ln -sfn "$elsewhere" "$dir"
        dir="$elsewhere"
    else
        mkdir -p "$dir"
    fi
    echo "$dir"
}

# "Running" means: our own server, from our own data folder, answering on our port. A server
# of another checkout on the same port is not reused; starting ours then fails loudly instead.
pg_running() {
    local data="$VAR/postgres"
    [ -f "$data/postmaster.pid" ] && as_pg pg_ctl -D "$(readlink -f "$data")" status >/dev/null \
        && pg_isready -q -h 127.0.0.1 -p "$PG_PORT"
}
redis_running() {
    local pidfile="$VAR/redis/redis.pid"
    [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null \
        && redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG
}

pg_up() {
    local data
    data="$(pg_datadir)"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$data"; fi
    chmod 700 "$data"
    if [ ! -f "$data/PG_VERSION" ]; then
        log "initdb into $data"
        as_pg initdb -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    as_pg pg_ctl -D "$data" -l "$data/server.log" -w -t 60 start \
        -o "-p $PG_PORT -k $data -c listen_addresses=127.0.0.1 -c max_connections=200" >/dev/null
    local psql=(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qtA)
    if [ -z "$("${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname='$DB_USER'")" ]; then
        "${psql[@]}" -c "CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_USER'"
    fi
    if [ -z "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname='$DB_NAME'")" ]; then
        "${psql[@]}" -c "CREATE DATABASE $DB_NAME OWNER $DB_USER"
    fi
}

pg_down() {
    pg_running || return 0
    as_pg pg_ctl -D "$(pg_datadir)" -m fast -w stop >/dev/null
}

redis_up() {
    if ! command -v redis-server >/dev/null; then
        log "redis-server is missing; run 'make sysdeps' (needs apt-get)"; exit 1
    fi
    mkdir -p "$VAR/redis"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$VAR/redis" \
        --appendonly yes --appendfsync everysec --maxmemory-policy noeviction \
        --daemonize yes --pidfile "$VAR/redis/redis.pid" --logfile "$VAR/redis/redis.log"
    for _ in $(seq 50); do redis_running && return 0; sleep 0.1; done
    log "Redis did not start; see $VAR/redis/redis.log"; exit 1
}

redis_down() {
    redis_running || return 0
    redis-cli -p "$REDIS_PORT" shutdown >/dev/null
}

# Start what is not running; STARTED names what this started, even when a later start fails.
start_missing() {
    if ! pg_running; then pg_up; STARTED="postgres"; fi
    if ! redis_running; then redis_up; STARTED="${STARTED:+$STARTED }redis"; fi
}

up() {
    start_missing
    echo "$STARTED"
}

down() {
    local names=("$@")
    [ ${#names[@]} -gt 0 ] || names=(postgres redis)
    for name in "${names[@]}"; do
        case "$name" in
            postgres) pg_down ;;
            redis) redis_down ;;
        esac
    done
}

status() {
    pg_running && echo "postgres: up (127.0.0.1:$PG_PORT)" || echo "postgres: down"
    redis_running && echo "redis: up (127.0.0.1:$REDIS_PORT)" || echo "redis: down"
}

# Each `with` holds a lease (a file named after its PID) while its command runs, so that the
# one that started the services leaves them running while another still needs them.
LEASES="$VAR/leases"
STARTED=""

other_leases() {
    local lease
    for lease in "$LEASES"/*; do
        [ -e "$lease" ] || continue
        [ "${lease##*/}" = "$$" ] && continue
        if kill -0 "${lease##*/}" 2>/dev/null; then echo "${lease##*/}"; else rm -f "$lease"; fi
    done
}

stop_started() {
    trap - EXIT INT TERM HUP
    rm -f "$LEASES/$$"
    [ -n "$STARTED" ] || return 0
    local others
    others="$(other_leases | tr '\n' ' ')"
    if [ -n "$others" ]; then
        log "leaving $STARTED running: still in use (PID $others); 'make stop' stops them"
        return 0
    fi
    log "stopping $STARTED"
    # shellcheck disable=SC2086
    down $STARTED
}

with() {
    mkdir -p "$LEASES"
    : >"$LEASES/$$"
    trap stop_started EXIT INT TERM HUP
    start_missing
    [ -z "$STARTED" ] || log "started $STARTED"
    "$@"
}

purge() {
    down
    local data="$VAR/postgres"
    if [ -L "$data" ]; then rm -rf "$(readlink -f "$data")"; fi
    rm -rf "$VAR"
}

cmd="${1:-status}"
shift || true
case "$cmd" in
    up) up ;;
    down) down "$@" ;;
    status) status ;;
    with) with "$@" ;;
    purge) purge ;;
    *) echo "usage: $0 up|down|status|with CMD…|purge" >&2; exit 2 ;;
esac
