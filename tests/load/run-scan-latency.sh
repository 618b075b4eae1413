#!/usr/bin/env bash
# Scan pipeline benchmark: "session submit to ready for 5 images of 12 MP, p95 at most 3 s" (issue 4).
# Starts the API (Release, role all: API and worker in one process) on 127.0.0.1:$PORT against a throwaway
# database and blob folder, runs tests/load/OrthoScan.Load against it, then stops the API and drops both.
# Expects PostgreSQL and Redis up (make services). Results go in docs/performance.md.
#   ENV_FILE  environment to source (default .local/env)
#   PORT      API port (default 5095)
#   SESSIONS  sessions to send (default 20)
#   RESULTS   where the API logs go (default .local/load-results)
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
ENV_FILE="${ENV_FILE:-$REPO/.local/env}"
PORT="${PORT:-5095}"
SESSIONS="${SESSIONS:-20}"
RESULTS="${RESULTS:-$REPO/.local/load-results}"
DB="orthoscan_load_$(openssl rand -hex 6)"
BLOBS="$(mktemp -d -t orthoscan-load-blobs.XXXXXX)"
mkdir -p "$RESULTS"

# shellcheck disable=SC1090
source "$ENV_FILE" || { echo "load: cannot source $ENV_FILE" >&2; exit 1; }

field() { sed -n "s/.*$1=\([^;]*\).*/\1/p" <<<"$2"; }
with_db() { sed "s/Database=[^;]*/Database=$DB/" <<<"$1"; }

OWNER_CS="$ConnectionStrings__Owner"
export PGPASSWORD; PGPASSWORD="$(field Password "$OWNER_CS")"
psql_owner() { psql -h 127.0.0.1 -p "$(field Port "$OWNER_CS")" -U orthoscan_owner -d orthoscan -v ON_ERROR_STOP=1 -qc "$1"; }

api_pid=""
cleanup() {
  if [ -n "$api_pid" ]; then kill "$api_pid" 2>/dev/null; wait "$api_pid" 2>/dev/null; fi
  psql_owner "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
  rm -rf "$BLOBS"
}
trap cleanup EXIT

fail() { echo "load: $1" >&2; exit 1; }

cd "$REPO" || exit 1
dotnet build -c Release -nologo -v q src/OrthoScan.Api >/dev/null || fail "API build failed"
dotnet build -c Release -nologo -v q tests/load/OrthoScan.Load >/dev/null || fail "harness build failed"

psql_owner "CREATE DATABASE $DB OWNER orthoscan_owner" || fail "could not create $DB"
export ConnectionStrings__Owner; ConnectionStrings__Owner="$(with_db "$OWNER_CS")"
export ConnectionStrings__App; ConnectionStrings__App="$(with_db "$ConnectionStrings__App")"
export OrthoScan__Redis__KeyPrefix="load:$DB:"
# One user asks as fast as the API answers, on purpose: far beyond a person's per-minute budget (600), which would
# turn the measurement into 429s.
export OrthoScan__Auth__RequestsPerMinutePerUser=1000000
export OrthoScan__Storage__LocalRoot="$BLOBS"
export ASPNETCORE_ENVIRONMENT=Development

dotnet run -c Release --no-build --project src/OrthoScan.Api -- migrate >"$RESULTS/load-migrate.log" 2>&1 || fail "migration failed (see $RESULTS/load-migrate.log)"
dotnet run -c Release --no-build --project src/OrthoScan.Api -- --urls "http://127.0.0.1:$PORT" >"$RESULTS/load-api.log" 2>&1 &
api_pid=$!
for _ in $(seq 1 90); do
  curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && break
  kill -0 "$api_pid" 2>/dev/null || fail "the API exited (see $RESULTS/load-api.log)"
  sleep 1
done
curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null || fail "the API did not become ready"

echo "load: $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet run -c Release --no-build --project tests/load/OrthoScan.Load -- --base-url "http://127.0.0.1:$PORT" --sessions "$SESSIONS"
rc=$?
echo "load: done, load average $(cut -d' ' -f1-3 /proc/loadavg)"
exit $rc
