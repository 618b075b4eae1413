#!/usr/bin/env bash
# Fault scenario "Redis outage under load" (make chaos). Starts a PRIVATE redis-server (its own port, password and
# folder), a throwaway database on the shared PostgreSQL, one API process (--role api) and one worker (--role worker)
# on loopback, Release, pointed at that Redis; runs the steady driver (tests/load/OrthoScan.Load chaos-steady:
# authenticated reads and idempotent writes, every answer recorded); after BEFORE seconds shuts Redis down (shutdown
# nosave), keeps the load OUTAGE seconds, starts Redis again, keeps the load AFTER seconds. The harness never restarts
# the API or the worker. Checks: no 5xx other than 503, every 503 with Retry-After, every request answered, the failures
# during the outage are 503s, every acknowledged write in the database, 2xx again by itself within 10 s of Redis answering PONG, the processes never exited.
# Last line: "chaos redis-outage: PASS (...)" or "FAIL (...)", exit 0 or 1 (2: the harness could not run).
# Expects the shared PostgreSQL up (make services); never touches the shared Redis.
#   BEFORE / OUTAGE / AFTER  seconds (default 5 / 15 / 15)
#   PORT         API port (default 5197); the worker's health port is PORT+1
#   REDIS_PORT   the private Redis's port (default 56399)
#   RESULTS      its steady.json, timeline.txt and logs go to RESULTS/redis-outage (default .local/chaos-results)
set -uo pipefail

NAME=redis-outage
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
ENV_FILE="${ENV_FILE:-$REPO/.local/env}"
BEFORE="${BEFORE:-5}" OUTAGE="${OUTAGE:-15}" AFTER="${AFTER:-15}"
PORT="${PORT:-5197}"
REDIS_PORT="${REDIS_PORT:-56399}"
RESULTS="${RESULTS:-$REPO/.local/chaos-results}/redis-outage"
mkdir -p "$RESULTS"
STEADY="$RESULTS/steady.json"; rm -f "$STEADY"
# shellcheck source=tests/chaos/chaos-lib.sh
source "$REPO/tests/chaos/chaos-lib.sh"
# shellcheck disable=SC1090
source "$ENV_FILE" || fail "cannot source $ENV_FILE"
command -v redis-server >/dev/null && command -v redis-cli >/dev/null || fail "redis-server / redis-cli not installed"
(exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT") 2>/dev/null && fail "port $REDIS_PORT is already in use"

chaos_shared_db
REDIS_DIR="$(mktemp -d -t orthoscan-chaos-redis.XXXXXX)"
REDIS_PW="$(openssl rand -hex 24)"

redis_pid=""
redis_cli() { REDISCLI_AUTH="$REDIS_PW" redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@" 2>/dev/null; }
redis_start() {
  redis-server "$REDIS_DIR/redis.conf" </dev/null >>"$RESULTS/redis.log" 2>&1 &
  redis_pid=$!
  for _ in $(seq 1 100); do [ "$(redis_cli ping)" = PONG ] && return 0; sleep 0.1; done
  return 1
}
cleanup() {
  chaos_cleanup; stop_pid "$redis_pid"
  rm -rf "$REDIS_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Config file: keeps the password out of `ps`. Foreground (daemonize no), so $! is the server.
umask 077
cat >"$REDIS_DIR/redis.conf" <<EOF
bind 127.0.0.1
port $REDIS_PORT
protected-mode yes
daemonize no
dir "$REDIS_DIR"
save ""
appendonly no
requirepass "$REDIS_PW"
EOF
umask 022
: >"$RESULTS/redis.log"
redis_start || fail "private Redis did not start (see $RESULTS/redis.log)"

chaos_build
chaos_create_shared_db
export ConnectionStrings__Redis="127.0.0.1:$REDIS_PORT,password=$REDIS_PW,abortConnect=false"
outage_env_common
outage_migrate
outage_start_app

log "$(nproc) cores, API :$PORT, worker :$((PORT + 1)), private Redis :$REDIS_PORT, db $DB; ${BEFORE} s load, ${OUTAGE} s outage, ${AFTER} s after"
outage_start_driver $((BEFORE + OUTAGE + AFTER))
outage_sleep "$BEFORE"
STOPPING_MS="$(now_ms)"
redis_cli shutdown nosave >/dev/null
wait "$redis_pid" 2>/dev/null; redis_pid=""
DOWN_MS="$(now_ms)" # the server process has exited
log "Redis shut down"
outage_sleep "$OUTAGE"
STARTING_MS="$(now_ms)"
redis_start || fail "private Redis did not start again (see $RESULTS/redis.log)"
UP_MS="$(now_ms)"
log "Redis answers PONG again after $(( (UP_MS - DOWN_MS) / 1000 )) s down"
echo "stopping $STOPPING_MS down $DOWN_MS up $UP_MS" >"$RESULTS/timeline.txt"
outage_wait_driver

rows=""
outage_http_checks
outage_ready_checks
outage_write_checks
outage_verdict "$(jq '.events | length' "$STEADY") requests, $WRITES_SUMMARY, Redis down $(( (UP_MS - DOWN_MS) / 1000 )) s, 2xx again ${RECOVERY_MS} ms after Redis came back, /health/ready 200 again after ${READY_BACK_MS:-?} ms"
