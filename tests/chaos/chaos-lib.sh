# Shared by the scenarios in tests/chaos (sourced, not run). The caller sets NAME, REPO and RESULTS: this file gives
# logging and the Release build (all three), and for redis-outage.sh and postgres-outage.sh, which also set PORT and
# export the connection strings before `outage_start_app`, the API and worker processes (pids in variables only, so cleanup ends exactly what the scenario started), and the verdict
# over the steady driver's file (tests/load/OrthoScan.Load chaos-steady).
# shellcheck shell=bash

log() { echo "chaos $NAME: [$(date -u +%T)] $*"; }
fail() { echo "chaos $NAME: $1" >&2; echo "chaos $NAME: FAIL (harness: $1)"; exit 2; }
now_ms() { date +%s%3N; }

api_pid="" worker_pid="" driver_pid=""
stop_pid() { [ -n "$1" ] && kill "$1" 2>/dev/null && wait "$1" 2>/dev/null; }

# CONFIG=Debug runs the Debug build as it is (the smokes in make test, after its build); Release (default) builds first.
chaos_build() {
  cd "$REPO" || exit 2
  local config="${CONFIG:-Release}"
  if [ "$config" = Release ]; then
    log "building (Release)"
    dotnet build -c Release -nologo -v q src/OrthoScan.Api >"$RESULTS/build.log" 2>&1 || fail "API build failed (see $RESULTS/build.log)"
    dotnet build -c Release -nologo -v q tests/load/OrthoScan.Load >>"$RESULTS/build.log" 2>&1 || fail "driver build failed (see $RESULTS/build.log)"
  fi
  DLL="$(ls -t src/OrthoScan.Api/bin/"$config"/net*/{,linux-x64/}OrthoScan.Api.dll 2>/dev/null | head -n 1)"
  [ -n "$DLL" ] || fail "no $config OrthoScan.Api.dll"
  DLL="$REPO/$DLL"
  DRIVER="$(ls -t tests/load/OrthoScan.Load/bin/"$config"/net*/{,linux-x64/}OrthoScan.Load.dll 2>/dev/null | head -n 1)"
  [ -n "$DRIVER" ] || fail "no $config OrthoScan.Load.dll"
  DRIVER="$REPO/$DRIVER"
}

# The throwaway database on the shared PostgreSQL of kill-api, redis-outage and notify-outage (postgres-outage brings
# a cluster of its own). chaos_shared_db, after the env file is sourced: DB, BLOBS, and the PG* variables for psql as
# the owner. chaos_create_shared_db: creates it and points the processes about to start at it, their Redis keys under
# a prefix of its own. chaos_cleanup ends what the scenario started and drops it.
field() { sed -n "s/.*$1=\([^;]*\).*/\1/p" <<<"$2"; }
with_db() { sed "s/Database=[^;]*/Database=$DB/" <<<"$1"; }
psql_admin() { psql -d orthoscan -v ON_ERROR_STOP=1 -qc "$1"; }
psql_db() { psql -X -d "$DB" -v ON_ERROR_STOP=1 -qAt "$@"; }

chaos_shared_db() {
  DB="orthoscan_chaos_$(openssl rand -hex 6)"
  BLOBS="$(mktemp -d -t orthoscan-chaos-blobs.XXXXXX)"
  OWNER_CS="$ConnectionStrings__Owner"
  PGHOST=127.0.0.1; PGPORT="$(field Port "$OWNER_CS")"; PGUSER=orthoscan_owner; PGPASSWORD="$(field Password "$OWNER_CS")"
  PGOPTIONS="-c client_min_messages=warning"
  export PGHOST PGPORT PGUSER PGPASSWORD PGOPTIONS
}

chaos_create_shared_db() {
  psql_admin "CREATE DATABASE $DB OWNER orthoscan_owner" || fail "could not create $DB"
  export ConnectionStrings__Owner; ConnectionStrings__Owner="$(with_db "$OWNER_CS")"
  export ConnectionStrings__App; ConnectionStrings__App="$(with_db "$ConnectionStrings__App")"
  export OrthoScan__Redis__KeyPrefix="chaos:$DB:"
}

chaos_cleanup() {
  stop_pid "$driver_pid"; stop_pid "$api_pid"; stop_pid "$worker_pid"
  psql_admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
  rm -rf "$BLOBS"
}

outage_env_common() {
  export OrthoScan__Storage__LocalRoot="$BLOBS"
  # The audit archive too: its default (.local/audit-archive) is relative to where the API runs, the source tree.
  export OrthoScan__Audit__Archive__LocalRoot="$BLOBS/audit-archive"
  export ASPNETCORE_ENVIRONMENT=Development
  export OrthoScan__Auth__ActivationsPerMinutePerIp=100000 OrthoScan__Auth__RegistrationsPer10MinutesPerIp=100000
  export OrthoScan__Auth__MfaRequestsPerMinutePerIp=100000 OrthoScan__Auth__LoginsPerMinutePerIp=100000
  # The steady driver hammers the API as one patient, far beyond a person's per-minute budget, on purpose.
  export OrthoScan__Auth__RequestsPerMinutePerUser=1000000
}

outage_migrate() {
  (cd "$REPO/src/OrthoScan.Api" && exec dotnet "$DLL" migrate) >"$RESULTS/migrate.log" 2>&1 || fail "migration failed (see $RESULTS/migrate.log)"
}

outage_start() { # outage_start api|worker
  local role=$1 port=$PORT; [ "$role" = worker ] && port=$((PORT + 1))
  echo "=== chaos $NAME: start $role $(date -u +%FT%TZ)" >>"$RESULTS/$role.log"
  (cd "$REPO/src/OrthoScan.Api" && exec dotnet "$DLL" --role "$role" --urls "http://127.0.0.1:$port") >>"$RESULTS/$role.log" 2>&1 &
  printf -v "${role}_pid" '%s' "$!"
}

outage_wait_ready() { # port seconds
  for _ in $(seq 1 "$2"); do curl -fsS "http://127.0.0.1:$1/health/ready" >/dev/null 2>&1 && return 0; sleep 1; done
  return 1
}

outage_start_app() {
  : >"$RESULTS/api.log"; : >"$RESULTS/worker.log"
  outage_start api; outage_start worker
  outage_wait_ready "$PORT" 90 || fail "the API did not become ready (see $RESULTS/api.log)"
  outage_wait_ready "$((PORT + 1))" 90 || fail "the worker did not become ready (see $RESULTS/worker.log)"
}

# Process exits not caused by the harness (it never restarts them): counted, logged, the verdict fails on any.
exited=""
outage_check_alive() {
  local role pid_var
  for role in api worker; do
    pid_var="${role}_pid"
    if [ -n "${!pid_var}" ] && ! kill -0 "${!pid_var}" 2>/dev/null; then
      wait "${!pid_var}" 2>/dev/null; exited+="$role(exit $?) "
      log "$role exited by itself (see $RESULTS/$role.log)"; printf -v "$pid_var" '%s' ""
    fi
  done
}
outage_sleep() { # sleep N seconds, checking the processes every second
  for _ in $(seq 1 "$1"); do sleep 1; outage_check_alive; done
}

# Starts the driver in the background and waits until its set-up is done (it prints "... workers for N s").
outage_start_driver() { # seconds
  dotnet "$DRIVER" chaos-steady --base "http://127.0.0.1:$PORT" --seconds "$1" --out "$STEADY" >"$RESULTS/driver.log" 2>&1 &
  driver_pid=$!
  for _ in $(seq 1 120); do
    grep -q "workers for" "$RESULTS/driver.log" 2>/dev/null && return 0
    kill -0 "$driver_pid" 2>/dev/null || fail "driver set-up failed: $(tail -n 3 "$RESULTS/driver.log" | tr '\n' ' ')"
    sleep 0.5
  done
  fail "driver set-up took over 60 s"
}

outage_wait_driver() {
  while kill -0 "$driver_pid" 2>/dev/null; do sleep 1; outage_check_alive; done
  wait "$driver_pid"; local rc=$?; driver_pid=""
  [ "$rc" = 0 ] && [ -s "$STEADY" ] || fail "driver exit $rc, no $STEADY (see $RESULTS/driver.log)"
  cat "$RESULTS/driver.log"
}

# The checks on the driver's file. Needs DOWN_MS (dependency stopped), UP_MS (dependency accepting connections again).
# Appends "name|bad|detail" rows to $rows.
outage_http_checks() {
  local q='.events | map(select(.op != "ready"))'
  local bad5xx no_ra no_answer other during ok_during s503_during after last_bad first_good recovery good_after
  bad5xx="$(jq -r "$q | map(select(.status >= 500 and .status != 503)) | (length|tostring) + \"|\" + (map(\"\(.op) \(.status) \(.body)\") | .[0:3] | join(\" // \"))" "$STEADY")"
  rows+=$'\n'"no 5xx other than 503 (any time)|$bad5xx"
  no_ra="$(jq -r "$q | map(select(.status == 503 and (.retryAfter | not))) | (length|tostring) + \"|\" + (map(\"\(.op) \(.body)\") | .[0:3] | join(\" // \"))" "$STEADY")"
  rows+=$'\n'"every 503 carries Retry-After|$no_ra"
  no_answer="$(jq -r "$q | map(select(.status == 0)) | (length|tostring) + \"|\" + (map(\"\(.op) after \(.ms) ms: \(.body)\") | .[0:3] | join(\" // \"))" "$STEADY")"
  rows+=$'\n'"every request answered (no timeout or reset)|$no_answer"
  other="$(jq -r "$q | map(select(.status >= 300 and .status < 500)) | (length|tostring) + \"|\" + (map(\"\(.op) \(.status)\") | group_by(.) | map(\"\(.[0]) x\(length)\") | join(\", \")) + (map(.body) | first // \"\" | if . == \"\" then \"\" else \"; first body: \" + . end)" "$STEADY")"
  rows+=$'\n'"no 3xx/4xx answer (the load only sends valid requests)|$other"
  during="$(jq "$q | map(select(.t >= $DOWN_MS and .t < $UP_MS)) | length" "$STEADY")"
  ok_during="$(jq "$q | map(select(.t >= $DOWN_MS and .t < $UP_MS and .status >= 200 and .status < 300)) | length" "$STEADY")"
  s503_during="$(jq "$q | map(select(.t >= $DOWN_MS and .t < $UP_MS and .status == 503 and .retryAfter)) | length" "$STEADY")"
  rows+=$'\n'"info: requests started during the outage|$during|$ok_during 2xx, $s503_during 503 with Retry-After"
  (( during > 0 )) || rows+=$'\n'"the load ran during the outage|1|no request started between stop and restart"
  # Recovery: from UP_MS, the first 2xx after the last failed answer.
  after="$(jq "$q | map(select(.t >= $UP_MS))" "$STEADY")"
  last_bad="$(jq '[.[] | select(.status < 200 or .status >= 300) | .t] | max // empty' <<<"$after")"
  [ -n "$last_bad" ] || last_bad=$((UP_MS - 1))
  first_good="$(jq "[.[] | select(.t > $last_bad and .status >= 200 and .status < 300) | .t] | min // empty" <<<"$after")"
  good_after="$(jq "[.[] | select(.t > $last_bad and .status >= 200 and .status < 300)] | length" <<<"$after")"
  if [ -z "$first_good" ]; then
    recovery="none"
    rows+=$'\n'"2xx again by itself within 10 s of the restart|1|no 2xx after the last failure ($(jq "map(select(.status < 200 or .status >= 300)) | length" <<<"$after") failures after the restart)"
  else
    recovery=$((first_good - UP_MS)); (( recovery < 0 )) && recovery=0
    local late=0; (( recovery > 10000 )) && late=1
    (( good_after < 20 )) && late=1
    rows+=$'\n'"2xx again by itself within 10 s of the restart|$late|recovered $((recovery)) ms after the restart; then $good_after requests, all 2xx"
  fi
  RECOVERY_MS="$recovery"
}

outage_ready_checks() {
  local down_ready last_ready
  # Polls started while the dependency was surely gone: from DOWN_MS until the harness began to start it again
  # (STARTING_MS). Until UP_MS it is coming back (crash recovery), and a poll may rightly see it ready before the
  # harness does.
  down_ready="$(jq "[.events[] | select(.op == \"ready\" and .t >= $DOWN_MS and .t < ${STARTING_MS:-$UP_MS})] | {n: length, bad: map(select(.status != 200)) | length}" "$STEADY")"
  local n bad; n="$(jq .n <<<"$down_ready")"; bad="$(jq .bad <<<"$down_ready")"
  rows+=$'\n'"/health/ready non-200 during the outage|$(( n - bad ))|$bad of $n polls non-200 (started between the stop and the restart)"
  (( n > 0 )) || rows+=$'\n'"/health/ready polled during the outage|1|no poll"
  last_ready="$(jq -r '[.events[] | select(.op == "ready")] | last | .status' "$STEADY")"
  rows+=$'\n'"/health/ready 200 again after|$([ "$last_ready" = 200 ] && echo 0 || echo 1)|last poll $last_ready"
  READY_BACK_MS="$(jq "[.events[] | select(.op == \"ready\" and .t >= $UP_MS and .status == 200) | .t] | min // empty | . - $UP_MS" "$STEADY")"
}

outage_verdict() { # summary
  outage_check_alive
  [ -n "$exited" ] && rows+=$'\n'"the API and the worker never exited|1|$exited(see $RESULTS/api.log, worker.log)"
  [ -z "$exited" ] && rows+=$'\n'"the API and the worker never exited|0|"
  chaos_verdict "$1"
}

# Prints the "name|bad|detail" rows of $rows as a table (rows named "info: ..." never fail), then the scenario's last
# line, and exits: 0 when every check had 0 bad, else 1.
chaos_verdict() { # summary
  echo
  printf '%-62s %6s  %s\n' "check" "bad" "result / detail"
  local failed=0 name bad detail verdict
  while IFS='|' read -r name bad detail; do
    [ -z "$name" ] && continue
    if [[ "$name" == info:* ]]; then verdict="info"
    elif [ "$bad" = 0 ]; then verdict="ok"
    else verdict="FAIL"; failed=$((failed + 1)); fi
    printf '%-62s %6s  %-4s %s\n' "$name" "$bad" "$verdict" "${detail:0:600}"
  done <<<"$rows"
  echo
  if (( failed == 0 )); then
    echo "chaos $NAME: PASS ($1)"; exit 0
  else
    echo "chaos $NAME: FAIL ($failed check(s) failed; $1; logs in $RESULTS)"; exit 1
  fi
}

# Every write the API acknowledged with a 2xx is in the database afterwards. Needs psql_db (psql -qAt on the scenario's
# database as the owner). patients and scan_sessions are under row-level security: enter the practice as the app does.
outage_write_checks() {
  local practice patients sessions n_p n_s found_p found_s missing
  practice="$(jq -r .practiceId "$STEADY")"
  patients="$(jq -r '[.writes[] | select(.kind == "patient") | .id] | "{" + join(",") + "}"' "$STEADY")"
  sessions="$(jq -r '[.writes[] | select(.kind == "session") | .id] | "{" + join(",") + "}"' "$STEADY")"
  n_p="$(jq '[.writes[] | select(.kind == "patient")] | length' "$STEADY")"
  n_s="$(jq '[.writes[] | select(.kind == "session")] | length' "$STEADY")"
  local out
  out="$(psql_db <<SQL
BEGIN;
SELECT set_config('app.practice_id', '$practice', true) \\g /dev/null
SELECT count(DISTINCT id) FROM patients WHERE id = ANY('$patients'::uuid[]);
SELECT count(DISTINCT id) FROM scan_sessions WHERE id = ANY('$sessions'::uuid[]);
SELECT coalesce(string_agg(x::text, ' '), '') FROM (SELECT unnest('$sessions'::uuid[]) x EXCEPT SELECT id FROM scan_sessions) m;
COMMIT;
SQL
)" || fail "reading the acknowledged writes back failed"
  found_p="$(sed -n 1p <<<"$out")"; found_s="$(sed -n 2p <<<"$out")"; missing="$(sed -n 3p <<<"$out")"
  rows+=$'\n'"every acknowledged write is in the database|$(( n_p - found_p + n_s - found_s ))|patients $found_p/$n_p, scan sessions $found_s/$n_s${missing:+; missing sessions: ${missing:0:300}}"
  WRITES_SUMMARY="$((n_p + n_s)) acknowledged writes all found"
  (( n_p - found_p + n_s - found_s == 0 )) || WRITES_SUMMARY="$(( n_p - found_p + n_s - found_s )) of $((n_p + n_s)) acknowledged writes MISSING"
}
