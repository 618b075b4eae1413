#!/usr/bin/env bash
# Fault scenario "PostgreSQL outage under load" (make chaos). Creates a PRIVATE PostgreSQL 15 cluster (initdb as the
# postgres user, under /var/tmp, TCP on 127.0.0.1:PG_PORT only), the owner role and database as scripts/services.sh
# does, migrates it, and starts one API process (--role api) and one worker (--role worker) on loopback, Release, against
# it and the shared Redis (own key prefix). Runs the steady driver (tests/load/OrthoScan.Load chaos-steady: authenticated
# reads and writes, scan sessions with an Idempotency-Key, every answer recorded); after BEFORE seconds stops PostgreSQL
# with `pg_ctl -m immediate stop` (a crash), keeps the load OUTAGE seconds, starts it again (crash recovery), keeps the
# load AFTER seconds. The harness never restarts the API or the worker. Checks: no 5xx other than 503, every 503 with
# Retry-After, every request answered, /health/ready non-200 during the outage and 200 after, 2xx again by itself within
# 10 s of PostgreSQL accepting connections, every write acknowledged (2xx) before, during or after is in the database,
# the processes never exited. The private cluster is stopped and removed at the end.
# Last line: "chaos postgres-outage: PASS (...)" or "FAIL (...)", exit 0 or 1 (2: the harness could not run).
# Expects the shared Redis up (make services); never touches the shared PostgreSQL. Runs as root (runuser postgres).
#   BEFORE / OUTAGE / AFTER  seconds (default 5 / 10 / 15)
#   PORT       API port (default 5297); the worker's health port is PORT+1
#   PG_PORT    the private cluster's port (default 55499)
#   RESULTS    its steady.json, timeline.txt and logs go to RESULTS/postgres-outage (default .local/chaos-results)
set -uo pipefail

NAME=postgres-outage
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
ENV_FILE="${ENV_FILE:-$REPO/.local/env}"
BEFORE="${BEFORE:-5}" OUTAGE="${OUTAGE:-10}" AFTER="${AFTER:-15}"
PORT="${PORT:-5297}"
PG_PORT="${PG_PORT:-55499}"
PG_BIN=/usr/lib/postgresql/15/bin
RESULTS="${RESULTS:-$REPO/.local/chaos-results}/postgres-outage"
mkdir -p "$RESULTS"
STEADY="$RESULTS/steady.json"; rm -f "$STEADY"
# shellcheck source=tests/chaos/chaos-lib.sh
source "$REPO/tests/chaos/chaos-lib.sh"
# shellcheck disable=SC1090
source "$ENV_FILE" || fail "cannot source $ENV_FILE"
[ -x "$PG_BIN/initdb" ] || fail "PostgreSQL 15 not found at $PG_BIN"
[ "$(id -u)" = 0 ] || fail "must run as root (initdb and pg_ctl run as the postgres user)"
(exec 3<>"/dev/tcp/127.0.0.1/$PG_PORT") 2>/dev/null && fail "port $PG_PORT is already in use"

as_postgres() { (cd / && runuser -u postgres -- "$@"); }
BLOBS="$(mktemp -d -t orthoscan-chaos-blobs.XXXXXX)"
# The postgres user must traverse the folder: /var/tmp, not a checkout under /root.
PG_BASE="$(mktemp -d -p /var/tmp orthoscan-chaos-pg.XXXXXX)"
chmod 755 "$PG_BASE"
PG_DATA="$PG_BASE/data"
SUPER_PW="$(openssl rand -hex 24)" OWNER_PW="$(openssl rand -hex 24)" APP_PW="$(openssl rand -hex 24)"
PG_OPTS="-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=100"

pg_started=0
pg_start() {
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -w -t 60 -o "$PG_OPTS" start >>"$RESULTS/postgres.log" 2>&1 </dev/null || return 1
  pg_started=1
  for _ in $(seq 1 300); do "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && return 0; sleep 0.1; done
  return 1
}
pg_stop() { # pg_stop immediate|fast
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -w -t 60 -m "$1" stop >>"$RESULTS/postgres.log" 2>&1 </dev/null
}
cleanup() {
  stop_pid "$driver_pid"; stop_pid "$api_pid"; stop_pid "$worker_pid"
  [ "$pg_started" = 1 ] && pg_stop fast
  rm -rf "$BLOBS" "$PG_BASE"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

: >"$RESULTS/postgres.log"
mkdir -p "$PG_DATA"; chown postgres:postgres "$PG_DATA"; chmod 700 "$PG_DATA"
pwfile="$PG_BASE/.pw"; printf '%s' "$SUPER_PW" >"$pwfile"; chown postgres:postgres "$pwfile"; chmod 600 "$pwfile"
loc=C; locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$' && loc=C.UTF-8
as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=scram-sha-256 --pwfile="$pwfile" --encoding=UTF8 \
  --locale="$loc" >>"$RESULTS/postgres.log" 2>&1 || fail "initdb failed (see $RESULTS/postgres.log)"
rm -f "$pwfile"
pg_start || fail "private PostgreSQL did not start (see $RESULTS/postgres.log)"
# As services.sh: the owner role with CREATEROLE (the first migration creates orthoscan_app), its database.
PGPASSWORD="$SUPER_PW" psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres >/dev/null <<SQL || fail "creating the owner role and database failed"
CREATE ROLE orthoscan_owner WITH LOGIN CREATEDB CREATEROLE NOSUPERUSER NOBYPASSRLS NOREPLICATION PASSWORD '$OWNER_PW';
CREATE DATABASE orthoscan OWNER orthoscan_owner;
SQL

chaos_build
export ConnectionStrings__Owner="Host=127.0.0.1;Port=$PG_PORT;Database=orthoscan;Username=orthoscan_owner;Password=$OWNER_PW"
export ConnectionStrings__App="Host=127.0.0.1;Port=$PG_PORT;Database=orthoscan;Username=orthoscan_app;Password=$APP_PW"
export OrthoScan__Database__AppRolePassword="$APP_PW"
export OrthoScan__Redis__KeyPrefix="chaos:pg-outage-$(openssl rand -hex 6):"
outage_env_common
outage_migrate
outage_start_app
psql_db() { PGPASSWORD="$OWNER_PW" PGOPTIONS="-c client_min_messages=warning" psql -X -h 127.0.0.1 -p "$PG_PORT" -U orthoscan_owner -d orthoscan -v ON_ERROR_STOP=1 -qAt; }

log "$(nproc) cores, API :$PORT, worker :$((PORT + 1)), private PostgreSQL :$PG_PORT ($PG_DATA); ${BEFORE} s load, ${OUTAGE} s outage, ${AFTER} s after"
outage_start_driver $((BEFORE + OUTAGE + AFTER))
outage_sleep "$BEFORE"
STOPPING_MS="$(now_ms)"
pg_stop immediate || fail "pg_ctl -m immediate stop failed (see $RESULTS/postgres.log)"
DOWN_MS="$(now_ms)" # pg_ctl -w returned: the server is gone (runuser + pg_ctl alone can take over a second)
log "PostgreSQL stopped (-m immediate)"
outage_sleep "$OUTAGE"
STARTING_MS="$(now_ms)"
pg_start || fail "private PostgreSQL did not start again (see $RESULTS/postgres.log)"
UP_MS="$(now_ms)"
log "PostgreSQL accepts connections again after $(( (UP_MS - DOWN_MS) / 1000 )) s down (crash recovery and start took $((UP_MS - STARTING_MS)) ms)"
echo "stopping $STOPPING_MS down $DOWN_MS starting $STARTING_MS up $UP_MS" >"$RESULTS/timeline.txt"
outage_wait_driver

rows=""
outage_http_checks
outage_ready_checks
outage_write_checks
outage_verdict "$(jq '.events | length' "$STEADY") requests, $WRITES_SUMMARY, PostgreSQL down $(( (UP_MS - DOWN_MS) / 1000 )) s, 2xx again ${RECOVERY_MS} ms after it accepted connections, /health/ready 200 again after ${READY_BACK_MS:-?} ms"
