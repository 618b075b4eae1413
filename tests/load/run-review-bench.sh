#!/usr/bin/env bash
# Review benchmarks of issue 5 (docs/performance.md, "Review feed, analytics and tagging at scale"), end to end:
# creates a dedicated database, migrates it, starts the API (Release, role all) on 127.0.0.1:$PORT against it, registers
# the bench practice through the API and bulk-loads 200 practices / 100,000 patients / 1,000,000 sessions with binary
# COPY (tests/load/OrthoScan.Load review-generate), then measures analytics against its bare raw-Npgsql twin and tag
# submission (review-run), and prints the table. The feed against its twin is no longer here: `make load`
# (tests/load/run-load.sh, feed-run). Expects PostgreSQL and Redis up (make services).
#   ENV_FILE    environment to source (default .local/env)
#   PORT        API port (default 5095); the bare analytics twin listens on PORT+1
#   DB          database name (default orthoscan_bench; dropped and re-created; must contain "bench")
#   KEEP_DB     1 keeps the database (and the bench practice's state) instead of dropping it at the end
#   REUSE_DB    1 skips creating and generating: runs against a database kept by KEEP_DB=1 (implies KEEP_DB=1)
#   EXTRA_SQL   SQL run as the owner after the load and before the runs (e.g. a CREATE INDEX under test)
#   REPEAT      repeats of every measurement (default 3; the table shows medians)
#   RUN_ARGS    more review-run options (e.g. "--duration-s 20 --warmup-s 5 --concurrency 32 --tag-count 1000")
#   RESULTS     where logs and the bench practice's credentials go (default .local/review-bench)
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
ENV_FILE="${ENV_FILE:-$REPO/.local/env}"
PORT="${PORT:-5095}"
DB="${DB:-orthoscan_bench}"
REPEAT="${REPEAT:-3}"
RESULTS="${RESULTS:-$REPO/.local/review-bench}"
BLOBS="$(mktemp -d -t orthoscan-review-bench-blobs.XXXXXX)"
mkdir -p "$RESULTS"
[[ "$DB" == *bench* && "$DB" =~ ^[a-z0-9_]+$ ]] || { echo "review-bench: DB must be a plain name containing 'bench'" >&2; exit 2; }

# shellcheck disable=SC1090
source "$ENV_FILE" || { echo "review-bench: cannot source $ENV_FILE" >&2; exit 1; }

field() { sed -n "s/.*$1=\([^;]*\).*/\1/p" <<<"$2"; }
with_db() { sed "s/Database=[^;]*/Database=$DB/" <<<"$1"; }

OWNER_CS="$ConnectionStrings__Owner"
export PGPASSWORD; PGPASSWORD="$(field Password "$OWNER_CS")"
PGPORT_="$(field Port "$OWNER_CS")"
psql_owner() { psql -h 127.0.0.1 -p "$PGPORT_" -U orthoscan_owner -d "${2:-orthoscan}" -v ON_ERROR_STOP=1 -qc "$1"; }

api_pid=""
cleanup() {
  if [ -n "$api_pid" ]; then kill "$api_pid" 2>/dev/null; wait "$api_pid" 2>/dev/null; fi
  if [ "${KEEP_DB:-0}" = 1 ]; then
    echo "review-bench: kept database $DB; state in $RESULTS/state.json"
  else
    psql_owner "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
  fi
  rm -rf "$BLOBS"
}
trap cleanup EXIT
fail() { echo "review-bench: $1" >&2; exit 1; }

cd "$REPO" || exit 1
dotnet build -c Release -nologo -v q src/OrthoScan.Api >/dev/null || fail "API build failed"
dotnet build -c Release -nologo -v q tests/load/OrthoScan.Load >/dev/null || fail "harness build failed"

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
# One user asks as fast as the API answers, on purpose: far beyond a person's per-minute budget (600), which would
# turn the measurement into 429s.
export OrthoScan__Auth__RequestsPerMinutePerUser=1000000
export OrthoScan__Storage__LocalRoot="$BLOBS"
export ASPNETCORE_ENVIRONMENT=Development

dotnet run -c Release --no-build --project src/OrthoScan.Api -- migrate >"$RESULTS/migrate.log" 2>&1 || fail "migration failed (see $RESULTS/migrate.log)"
dotnet run -c Release --no-build --project src/OrthoScan.Api -- --urls "http://127.0.0.1:$PORT" >"$RESULTS/api.log" 2>&1 &
api_pid=$!
for _ in $(seq 1 90); do
  curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && break
  kill -0 "$api_pid" 2>/dev/null || fail "the API exited (see $RESULTS/api.log)"
  sleep 1
done
curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null || fail "the API did not become ready"

load() { dotnet run -c Release --no-build --project tests/load/OrthoScan.Load -- "$@" --base-url "http://127.0.0.1:$PORT" --state "$RESULTS/state.json"; }

echo "review-bench: $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "${REUSE_DB:-0}" != 1 ]; then load review-generate || fail "data generation failed"; fi
if [ -n "${EXTRA_SQL:-}" ]; then
  echo "review-bench: EXTRA_SQL: $EXTRA_SQL"
  psql_owner "$EXTRA_SQL" "$DB" || fail "EXTRA_SQL failed"
  psql_owner "ANALYZE scan_sessions" "$DB"
fi
# shellcheck disable=SC2086
load review-run --repeat "$REPEAT" --bare-port "$((PORT + 1))" ${RUN_ARGS:-}
rc=$?
echo "review-bench: done, load average $(cut -d' ' -f1-3 /proc/loadavg)"
exit $rc
