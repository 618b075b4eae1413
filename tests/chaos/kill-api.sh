#!/usr/bin/env bash
# Fault scenario "kill -9 under load" (make chaos). Starts one API process (--role api) and one worker process
# (--role worker), Release, on loopback, against a throwaway database and blob folder; runs the chaos driver
# (tests/load/OrthoScan.Load chaos-submit: N patients each send one scan, their arrivals spread evenly over SPREAD
# seconds, retrying every step with the same Idempotency-Key through the kills); meanwhile kills the API and/or the worker with kill -9 every KILL_MIN..KILL_MAX
# seconds and restarts it at once. Then lets the system settle without kills and checks, in SQL and on disk, that
# nothing acknowledged was lost, duplicated or left half-done. Last line: "chaos kill-api: PASS (...)" or "FAIL (...)",
# exit 0 or 1 (2: the harness itself could not run). Expects PostgreSQL and Redis up (make services).
#   PATIENTS        simulated patients, one scan each (default 100)
#   SPREAD          seconds over which their scans arrive (default 120): on a quiet machine 100 scans at once are all
#                   in within seconds, before the first kill; spread out, the kills land among them
#   KILL_MIN        shortest pause between two kills, seconds (default 10)
#   KILL_MAX        longest pause between two kills, seconds (default 30)
#   KILL_TARGETS    what a kill may hit, picked at random each time (default "api worker both")
#   PORT            API port (default 5097); the worker's health port is PORT+1
#   KILL_DRAIN      1 (default): keep killing after the driver finished while scan jobs are still queued or running,
#                   so the worker also dies mid-job (the driver's requests take seconds, the processing minutes); 0: stop
#                   killing when the driver finishes. Either way at most KILL_PHASE_MAX seconds (default 300) of kills.
#   SETTLE_TIMEOUT  seconds to wait, kills stopped, for every submitted scan to settle (default 180)
#   RESULTS         where acks.json and the processes' logs go (default .local/chaos-results)
#   ENV_FILE        environment to source (default .local/env)
# Smoke: PATIENTS=10 SPREAD=15 KILL_MIN=3 KILL_MAX=6 bash tests/chaos/kill-api.sh
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
ENV_FILE="${ENV_FILE:-$REPO/.local/env}"
PATIENTS="${PATIENTS:-100}"
SPREAD="${SPREAD:-120}"
KILL_MIN="${KILL_MIN:-10}"
KILL_MAX="${KILL_MAX:-30}"
KILL_TARGETS="${KILL_TARGETS:-api worker both}"
PORT="${PORT:-5097}"
WORKER_PORT=$((PORT + 1))
KILL_DRAIN="${KILL_DRAIN:-1}"
KILL_PHASE_MAX="${KILL_PHASE_MAX:-300}"
SETTLE_TIMEOUT="${SETTLE_TIMEOUT:-180}"
RESULTS="${RESULTS:-$REPO/.local/chaos-results}"
mkdir -p "$RESULTS"
ACKS="$RESULTS/acks.json"
rm -f "$ACKS"

NAME=kill-api
# shellcheck source=tests/chaos/chaos-lib.sh
source "$REPO/tests/chaos/chaos-lib.sh"
(( KILL_MIN >= 1 && KILL_MAX >= KILL_MIN )) || fail "need 1 <= KILL_MIN <= KILL_MAX"

# shellcheck disable=SC1090
source "$ENV_FILE" || fail "cannot source $ENV_FILE"

chaos_shared_db

# Processes: the pids live in chaos-lib's variables only, so cleanup ends exactly what this script started.
trap chaos_cleanup EXIT
trap 'exit 130' INT TERM

# The built app itself, not `dotnet run`: kill -9 must hit the server, not a launcher that would leave it orphaned.
chaos_build

chaos_create_shared_db
export OrthoScan__Storage__LocalRoot="$BLOBS"
# The audit archive too: its default (.local/audit-archive) is relative to where the API runs, the source tree.
export OrthoScan__Audit__Archive__LocalRoot="$BLOBS/audit-archive"
export ASPNETCORE_ENVIRONMENT=Development
# Every simulated patient signs up from 127.0.0.1: lift the per-IP sign-up limits, as the API tests' factory does.
export OrthoScan__Auth__ActivationsPerMinutePerIp=100000 OrthoScan__Auth__RegistrationsPer10MinutesPerIp=100000
export OrthoScan__Auth__MfaRequestsPerMinutePerIp=100000 OrthoScan__Auth__LoginsPerMinutePerIp=100000

(cd src/OrthoScan.Api && exec dotnet "$DLL" migrate) >"$RESULTS/migrate.log" 2>&1 || fail "migration failed (see $RESULTS/migrate.log)"

# Content root is the project folder (appsettings*.json, wwwroot), as with dotnet run. Logs append across restarts.
start() { # start api|worker: sets api_pid or worker_pid
  local role=$1 port=$PORT; [ "$role" = worker ] && port=$WORKER_PORT
  echo "=== chaos: start $role $(date -u +%FT%TZ)" >>"$RESULTS/$role.log"
  (cd src/OrthoScan.Api && exec dotnet "$DLL" --role "$role" --urls "http://127.0.0.1:$port") >>"$RESULTS/$role.log" 2>&1 &
  printf -v "${role}_pid" '%s' "$!"
}
wait_ready() { # wait_ready port seconds
  for _ in $(seq 1 "$2"); do curl -fsS "http://127.0.0.1:$1/health/ready" >/dev/null 2>&1 && return 0; sleep 1; done
  return 1
}
: >"$RESULTS/api.log"; : >"$RESULTS/worker.log"
start api; start worker
wait_ready "$PORT" 90 || fail "the API did not become ready (see $RESULTS/api.log)"
wait_ready "$WORKER_PORT" 90 || fail "the worker did not become ready (see $RESULTS/worker.log)"

log "$(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, $PATIENTS patients, kill every ${KILL_MIN}-${KILL_MAX} s (${KILL_TARGETS}), API :$PORT, worker :$WORKER_PORT, db $DB"
started=$SECONDS
# The driver's own process too (not dotnet run), so that $! is the driver and an interrupted run can end it.
dotnet "$DRIVER" chaos-submit --base "http://127.0.0.1:$PORT" --patients "$PATIENTS" --spread-s "$SPREAD" --out "$ACKS" > >(tee "$RESULTS/driver.log") 2>&1 &
driver_pid=$!

# The kill loop, in this shell so the pids stay known: sleep a random pause (checking the driver each second), kill -9
# one target, restart it at once. A process that died by itself is restarted too and counted apart: that is a finding.
kills_api=0 kills_worker=0 unexpected=0
pick_pause() { echo $((KILL_MIN + RANDOM % (KILL_MAX - KILL_MIN + 1))); }
read -r -a targets <<<"$KILL_TARGETS"
check_alive() {
  local role
  for role in api worker; do
    local pid_var="${role}_pid"
    if ! kill -0 "${!pid_var}" 2>/dev/null; then
      wait "${!pid_var}" 2>/dev/null; unexpected=$((unexpected + 1))
      log "$role exited by itself (see $RESULTS/$role.log); restarting"; start "$role"
    fi
  done
}
kill9() { # kill9 api|worker
  local pid_var="${1}_pid"
  kill -9 "${!pid_var}" 2>/dev/null; wait "${!pid_var}" 2>/dev/null
  start "$1"
}
jobs_live() { psql_db -c "SELECT count(*) FROM jobs WHERE kind = 'scans.process-session' AND status IN ('queued', 'running')"; }
keep_killing() {
  (( SECONDS - started < KILL_PHASE_MAX )) || return 1
  if kill -0 "$driver_pid" 2>/dev/null; then return 0; fi
  [ -z "$driver_seconds" ] && { driver_seconds=$((SECONDS - started)); log "driver finished in ${driver_seconds} s"; }
  [ "$KILL_DRAIN" = 1 ] && [ "$(jobs_live)" != 0 ]
}
driver_seconds=""
next=$(( SECONDS + $(pick_pause) ))
while keep_killing; do
  sleep 1
  check_alive
  (( SECONDS < next )) && continue
  target="${targets[RANDOM % ${#targets[@]}]}"
  case "$target" in
    api) kill9 api; kills_api=$((kills_api + 1)) ;;
    worker) kill9 worker; kills_worker=$((kills_worker + 1)) ;;
    both) kill9 api; kill9 worker; kills_api=$((kills_api + 1)); kills_worker=$((kills_worker + 1)) ;;
  esac
  log "kill -9 $target (api $kills_api, worker $kills_worker so far)"
  next=$(( SECONDS + $(pick_pause) ))
done
kill_seconds=$((SECONDS - started))
[ -n "$driver_seconds" ] || log "kill phase cap of ${KILL_PHASE_MAX} s reached; waiting for the driver without kills"
wait "$driver_pid"; driver_rc=$?; driver_pid=""
[ -n "$driver_seconds" ] || driver_seconds=$((SECONDS - started))
log "driver exit $driver_rc; kill phase ${kill_seconds} s, kills: api $kills_api, worker $kills_worker; no more kills"
[ -s "$ACKS" ] || fail "the driver wrote no $ACKS (see $RESULTS/driver.log)"

# Load what was acknowledged, then wait (no kills) until nothing is left processing or the timeout.
psql_db -f tests/chaos/snapshot.sql >/dev/null || fail "snapshot.sql failed"
jq -r '.practices[] | [.] | @csv' "$ACKS" | psql_db -c "\copy chaos_practices FROM STDIN WITH (FORMAT csv)" || fail "loading practices failed"
jq -r '.sessions[] | [.practiceId, .patientId, .sessionId, .idempotencyKey, .created, .submitted] | @csv' "$ACKS" \
  | psql_db -c "\copy chaos_acks FROM STDIN WITH (FORMAT csv)" || fail "loading acks failed"
settle_started=$SECONDS
while true; do
  check_alive
  psql_db -c "SELECT chaos_snapshot()" >/dev/null || fail "chaos_snapshot() failed"
  pending="$(psql_db -c "SELECT (SELECT count(*) FROM chaos_acks a JOIN chaos_sessions s ON s.id = a.session_id WHERE a.submitted AND s.status = 'processing')
                            + (SELECT count(*) FROM jobs WHERE kind = 'scans.process-session' AND status IN ('queued', 'running'))")"
  [ "$pending" = 0 ] && break
  (( SECONDS - settle_started >= SETTLE_TIMEOUT )) && { log "not settled after ${SETTLE_TIMEOUT} s ($pending left)"; break; }
  sleep 2
done
settle_seconds=$((SECONDS - settle_started))
log "settled in ${settle_seconds} s"

# Objects on disk. The encrypted file store keeps key + ".blob"; ".*.tmp" are writes a kill interrupted (never read).
psql_db -c "SELECT k FROM chaos_images, unnest(ARRAY[full_key, display_key, thumbnail_key]) k WHERE k IS NOT NULL" | sort -u >"$RESULTS/keys-in-db.txt"
(cd "$BLOBS" && find practices -type f -name '*.blob' 2>/dev/null | sed 's/\.blob$//' | sort -u) >"$RESULTS/keys-on-disk.txt"
orphans="$(comm -13 "$RESULTS/keys-in-db.txt" "$RESULTS/keys-on-disk.txt")"
missing="$(comm -23 "$RESULTS/keys-in-db.txt" "$RESULTS/keys-on-disk.txt")"
raw_left="$(find "$BLOBS/raw" -type f -name '*.blob' 2>/dev/null | wc -l)"
tmp_left="$(find "$BLOBS" -type f -name '.*.tmp' 2>/dev/null | wc -l)"
count() { [ -z "$1" ] && echo 0 || wc -l <<<"$1"; }

# The verdict table: name | bad rows | detail.
rows="$(psql_db -f tests/chaos/verdict.sql)" || fail "verdict.sql failed"
patients_ok="$(jq '[.sessions[] | select(.submitted)] | length' "$ACKS")"
other_ids="$(jq -r '[.sessions[] | select(.otherSessionIds | length > 0) | .sessionId + "->" + (.otherSessionIds | join(","))] | join(" ")' "$ACKS")"
rows+=$'\n'"every patient's scan acknowledged and submitted|$((PATIENTS - patients_ok))|$(jq -r '[.sessions[] | select(.error != null) | .error] | .[0:3] | join(" / ")' "$ACKS")"
rows+=$'\n'"create retried after submit answers the same session|$(count "$other_ids")|$other_ids"
rows+=$'\n'"no orphaned derivative object (practices/)|$(count "$orphans")|$(head -n 3 <<<"$orphans" | tr '\n' ' ')"
rows+=$'\n'"no derivative row without its object|$(count "$missing")|$(head -n 3 <<<"$missing" | tr '\n' ' ')"
rows+=$'\n'"info: process exits not caused by the harness|$unexpected|"
rows+=$'\n'"info: raw uploads left (the sweeper clears them after 24 h)|$raw_left|"
rows+=$'\n'"info: interrupted temp files left (.*.tmp)|$tmp_left|"
rows+=$'\n'"info: derivative objects on disk|$(wc -l <"$RESULTS/keys-on-disk.txt")|"
rows+=$'\n'"info: driver retries|$(jq .retries "$ACKS")|scan phase $(jq .scanSeconds "$ACKS") s of $(jq .seconds "$ACKS") s"
(( unexpected > 0 )) && rows+=$'\n'"no process exit not caused by the harness|$unexpected|see $RESULTS/api.log, worker.log"

chaos_verdict "$PATIENTS patients, kills api $kills_api worker $kills_worker, driver ${driver_seconds} s, kill phase ${kill_seconds} s, settle ${settle_seconds} s"
