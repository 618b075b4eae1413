#!/usr/bin/env bash
# `make load`: the realistic mix of issue 17 on the large tenant mix, end to end. Creates a dedicated database, migrates
# it, starts the API (--role api) and the worker (--role worker) as their own processes on loopback, registers one
# practice through the API and bulk-loads 200 practices / 100,000 patients / 1,000,000 sessions / about 5,000,000 images
# with tag sets and messages (binary COPY, tests/load/OrthoScan.Load mix-generate), then runs doctors, staff and patients
# of many practices at once from a third process (mix-run) and prints per route requests/s, p50/p95/p99 and errors, the
# CPU and memory of the API, the worker and PostgreSQL, and the verdict. Then the review feed against its bare twin
# (raw Npgsql, the same SQL taken from EF Core at run time), each in its own process and the load from a third:
# doctors of many practices walking their queues page by page, median and spread of FEED_REPEAT runs per side
# (feed-bare and feed-run). Drops the database at the end.
# Last line: "load: PASS (...)" or "load: FAIL (...)"; exit 0 / 1 (2: the harness could not run).
# Expects PostgreSQL and Redis up (make services).
#   SMOKE=1         a few seconds on a small data set (make test): 4 practices, 8 people, 6 s; passes on zero errors and
#                   every kind of traffic (the latency targets are printed, not enforced, on so short a run)
#   USERS           people at once (default 32); PRACTICES_USED practices they belong to (default 16)
#   DURATION / WARMUP  seconds measured / before (default 60 / 15)
#   PRACTICES PATIENTS SESSIONS  data set size (default 200 / 100000 / 1000000)
#   CONFIG          Release (default) or Debug (the smoke uses the Debug build make test made)
#   PORT            API port (default 5495; the worker's health port is PORT+1); DB (default orthoscan_loadbench)
#   KEEP_DB=1 keeps the database; REUSE_DB=1 runs again on a kept one (no generation)
#   RUN_ARGS        more mix-run options (e.g. "--doctor-min-ms 100 --photo-width 4000")
#   FEED=0          skips the feed benchmark; FEED_REPEAT (default 5), FEED_ARGS more feed-run options
#                   (e.g. "--concurrency 32 --doctors 32 --max-depth 8 --warmup-s 5 --duration-s 15"); MIX=0 skips the mix
#   RESULTS         logs and report.md (default .local/load)
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
ENV_FILE="${ENV_FILE:-$REPO/.local/env}"
SMOKE="${SMOKE:-0}"
if [ "$SMOKE" = 1 ]; then
  : "${PRACTICES:=4}" "${PATIENTS:=400}" "${SESSIONS:=8000}" "${USERS:=8}" "${PRACTICES_USED:=4}" "${DURATION:=6}" "${WARMUP:=3}" "${CONFIG:=Debug}" "${PORT:=5595}"
  : "${DB:=orthoscan_loadbench_smoke}" "${FEED_REPEAT:=1}" "${FEED_ARGS:=--warmup-s 1 --duration-s 3 --doctors 8 --concurrency 8}"
fi
PRACTICES="${PRACTICES:-200}" PATIENTS="${PATIENTS:-100000}" SESSIONS="${SESSIONS:-1000000}"
USERS="${USERS:-32}" PRACTICES_USED="${PRACTICES_USED:-16}" DURATION="${DURATION:-60}" WARMUP="${WARMUP:-15}"
CONFIG="${CONFIG:-Release}" PORT="${PORT:-5495}" DB="${DB:-orthoscan_loadbench}"
RESULTS="${RESULTS:-$REPO/.local/load}"
mkdir -p "$RESULTS"
BLOBS="$(mktemp -d -t orthoscan-load-blobs.XXXXXX)"

say() { echo "load: $*"; }
fail() { echo "load: $1" >&2; echo "load: FAIL (harness: $1)"; exit 2; }
[[ "$DB" == *bench* && "$DB" =~ ^[a-z0-9_]+$ ]] || fail "DB must be a plain name containing 'bench'"
# shellcheck disable=SC1090
source "$ENV_FILE" || fail "cannot source $ENV_FILE"

field() { sed -n "s/.*$1=\([^;]*\).*/\1/p" <<<"$2"; }
with_db() { sed "s/Database=[^;]*/Database=$DB/" <<<"$1"; }
OWNER_CS="$ConnectionStrings__Owner"
export PGPASSWORD; PGPASSWORD="$(field Password "$OWNER_CS")"
PG_PORT="$(field Port "$OWNER_CS")"
psql_owner() { psql -h 127.0.0.1 -p "$PG_PORT" -U orthoscan_owner -d "${2:-orthoscan}" -v ON_ERROR_STOP=1 -qc "$1"; }

api_pid="" worker_pid=""
cleanup() {
  for pid in $api_pid $worker_pid; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  if [ "${KEEP_DB:-0}" = 1 ]; then say "kept database $DB; state in $RESULTS/state.json"; else psql_owner "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1; fi
  rm -rf "$BLOBS"
}
trap cleanup EXIT

cd "$REPO" || exit 2
if [ "$CONFIG" = Release ]; then
  say "building (Release)"
  dotnet build -c Release -nologo -v q src/OrthoScan.Api >"$RESULTS/build.log" 2>&1 || fail "API build failed (see $RESULTS/build.log)"
  dotnet build -c Release -nologo -v q tests/load/OrthoScan.Load >>"$RESULTS/build.log" 2>&1 || fail "driver build failed (see $RESULTS/build.log)"
fi
DLL="$(ls -t src/OrthoScan.Api/bin/"$CONFIG"/net*/{,linux-x64/}OrthoScan.Api.dll 2>/dev/null | head -n 1)"
DRIVER="$(ls -t tests/load/OrthoScan.Load/bin/"$CONFIG"/net*/{,linux-x64/}OrthoScan.Load.dll 2>/dev/null | head -n 1)"
[ -n "$DLL" ] && [ -n "$DRIVER" ] || fail "no $CONFIG build of the API and the driver (make build, or CONFIG=Release)"
DLL="$REPO/$DLL"; DRIVER="$REPO/$DRIVER"

if [ "${REUSE_DB:-0}" = 1 ]; then
  KEEP_DB=1
  [ -f "$RESULTS/state.json" ] || fail "REUSE_DB=1 needs $RESULTS/state.json from a KEEP_DB=1 run"
else
  psql_owner "DROP DATABASE IF EXISTS $DB WITH (FORCE)" || fail "could not drop $DB"
  psql_owner "CREATE DATABASE $DB OWNER orthoscan_owner" || fail "could not create $DB"
fi
export ConnectionStrings__Owner; ConnectionStrings__Owner="$(with_db "$OWNER_CS")"
export ConnectionStrings__App; ConnectionStrings__App="$(with_db "$ConnectionStrings__App")"
export OrthoScan__Redis__KeyPrefix="bench:$DB:"
export OrthoScan__Storage__LocalRoot="$BLOBS"
# The audit archive too: its default (.local/audit-archive) is relative to where the API runs, the source tree.
export OrthoScan__Audit__Archive__LocalRoot="$BLOBS/audit-archive"
export ASPNETCORE_ENVIRONMENT=Development
# Every simulated person connects from 127.0.0.1: the per-IP sign-in limits (meant for one person's device) would stop
# the set-up, not the load. The feed benchmark's closed loops ask for the feed as fast as it answers, up to a dozen times
# a second per doctor: more than a person's per-minute budget (600), which would turn throughput into 429s. Nothing
# else is relaxed; the mix's people stay far below their budget.
export OrthoScan__Auth__LoginsPerMinutePerIp=100000 OrthoScan__Auth__MfaRequestsPerMinutePerIp=100000
export OrthoScan__Auth__ActivationsPerMinutePerIp=100000 OrthoScan__Auth__RegistrationsPer10MinutesPerIp=100000
export OrthoScan__Auth__RequestsPerMinutePerUser=100000

(cd src/OrthoScan.Api && exec dotnet "$DLL" migrate) >"$RESULTS/migrate.log" 2>&1 || fail "migration failed (see $RESULTS/migrate.log)"
start() { # role port
  (cd src/OrthoScan.Api && exec dotnet "$DLL" --role "$1" --urls "http://127.0.0.1:$2") >"$RESULTS/$1.log" 2>&1 &
}
start api "$PORT"; api_pid=$!
start worker "$((PORT + 1))"; worker_pid=$!
for port in "$PORT" "$((PORT + 1))"; do
  for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break; sleep 1; done
  curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null || fail "the process on port $port did not become ready (see $RESULTS/api.log, worker.log)"
done

driver() { (cd "$REPO" && dotnet "$DRIVER" "$@" --base-url "http://127.0.0.1:$PORT" --state "$RESULTS/state.json"); }
say "$(date -u +%FT%TZ), commit $(git rev-parse --short HEAD 2>/dev/null), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "${REUSE_DB:-0}" != 1 ]; then
  driver mix-generate --practices "$PRACTICES" --patients "$PATIENTS" --sessions "$SESSIONS" | tee "$RESULTS/generate.log" || fail "data generation failed"
fi
pids="api=$api_pid,worker=$worker_pid"
pg_pid="$(head -n 1 "$REPO/.local/pg/postmaster.pid" 2>/dev/null)"; [ -n "$pg_pid" ] && pids+=",postgresql=$pg_pid"
smoke_args=(); [ "$SMOKE" = 1 ] && smoke_args=(--latency-verdict 0)
rc=0 summary=""
if [ "${MIX:-1}" = 1 ]; then
  # shellcheck disable=SC2086
  driver mix-run --users "$USERS" --practices-used "$PRACTICES_USED" --duration-s "$DURATION" --warmup-s "$WARMUP" \
    --pids "$pids" --report "$RESULTS/report.md" "${smoke_args[@]}" ${RUN_ARGS:-} | tee "$RESULTS/run.log"
  rc=${PIPESTATUS[0]}
  summary="mix: $(grep -E '^Total:' "$RESULTS/run.log" | head -n 1) "
fi
if [ "${FEED:-1}" = 1 ]; then
  (cd "$REPO" && exec dotnet "$DRIVER" feed-bare --port "$((PORT + 2))") >"$RESULTS/feed-bare.log" 2>&1 &
  bare_pid=$!
  for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$((PORT + 2))/bare/health" >/dev/null 2>&1 && break; sleep 1; done
  curl -fsS "http://127.0.0.1:$((PORT + 2))/bare/health" >/dev/null || fail "the feed's bare twin did not start (see $RESULTS/feed-bare.log)"
  feed_verdict=(); [ "$SMOKE" = 1 ] && feed_verdict=(--ratio-verdict 0)
  # shellcheck disable=SC2086
  driver feed-run --bare-url "http://127.0.0.1:$((PORT + 2))" --practices-used "$PRACTICES_USED" --repeat "${FEED_REPEAT:-5}" \
    "${feed_verdict[@]}" ${FEED_ARGS:-} | tee "$RESULTS/feed.log"
  feed_rc=${PIPESTATUS[0]}
  kill "$bare_pid" 2>/dev/null; wait "$bare_pid" 2>/dev/null
  (( feed_rc == 0 )) || rc=1
  summary+="feed: $(grep -E '^feed api / bare throughput' "$RESULTS/feed.log" | head -n 1)"
fi
for role in api worker; do
  pid_var="${role}_pid"; kill -0 "${!pid_var}" 2>/dev/null || { say "the $role process exited during the run (see $RESULTS/$role.log)"; rc=1; }
done
if [ "$rc" = 0 ]; then say "PASS ($USERS people, ${DURATION} s; ${summary}; reports in $RESULTS)"; exit 0; fi
say "FAIL (see $RESULTS/run.log, feed.log)"; exit 1
