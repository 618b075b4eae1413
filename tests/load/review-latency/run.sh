#!/usr/bin/env bash
# Review screen benchmark: "in Chromium, time from pressing N to the next scan's images shown" (issue 5).
# Starts the API (Release) serving the built dashboard on 127.0.0.1:$PORT against a throwaway database and blob
# folder, seeds the demo practice (its review queue), runs review-latency.spec.ts in Chromium with and without
# prefetch, then stops the API and drops both. Expects PostgreSQL and Redis up and the dashboard built into the
# API's wwwroot (scripts/dashboard.sh build). Results go in docs/performance.md.
#   ENV_FILE  environment to source (default .local/env)     PORT  API port (default 5082)
#   PRESSES, BLOCKS, DWELL_MS  see review-latency.spec.ts    RESULTS  where the logs go (default .local/review-latency)
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO="$(cd "$HERE/../../.." && pwd -P)"
ENV_FILE="${ENV_FILE:-$REPO/.local/env}"
PORT="${PORT:-5082}"
RESULTS="${RESULTS:-$REPO/.local/review-latency}"
DB="orthoscan_latency_$(openssl rand -hex 6)"
BLOBS="$(mktemp -d -t orthoscan-latency-blobs.XXXXXX)"
mkdir -p "$RESULTS"

# shellcheck disable=SC1090
source "$ENV_FILE" || { echo "latency: cannot source $ENV_FILE" >&2; exit 1; }

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

fail() { echo "latency: $1" >&2; exit 1; }

cd "$REPO" || exit 1
[ -f src/OrthoScan.Api/wwwroot/review/index.html ] || fail "build the dashboard first: bash scripts/dashboard.sh build"
dotnet build -c Release -nologo -v q src/OrthoScan.Api >/dev/null || fail "API build failed"

psql_owner "CREATE DATABASE $DB OWNER orthoscan_owner" || fail "could not create $DB"
export ConnectionStrings__Owner; ConnectionStrings__Owner="$(with_db "$OWNER_CS")"
export ConnectionStrings__App; ConnectionStrings__App="$(with_db "$ConnectionStrings__App")"
export OrthoScan__Redis__KeyPrefix="latency:$DB:"
export OrthoScan__Storage__LocalRoot="$BLOBS"
export ASPNETCORE_ENVIRONMENT=Development

dotnet run -c Release --no-build --no-launch-profile --project src/OrthoScan.Api -- migrate >"$RESULTS/latency-migrate.log" 2>&1 || fail "migration failed (see $RESULTS/latency-migrate.log)"
dotnet run -c Release --no-build --no-launch-profile --project src/OrthoScan.Api -- seed >"$RESULTS/latency-seed.log" 2>&1 || fail "seed failed (see $RESULTS/latency-seed.log)"
dotnet run -c Release --no-build --no-launch-profile --project src/OrthoScan.Api -- --urls "http://127.0.0.1:$PORT" >"$RESULTS/latency-api.log" 2>&1 &
api_pid=$!
for _ in $(seq 1 90); do
  curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && break
  kill -0 "$api_pid" 2>/dev/null || fail "the API exited (see $RESULTS/latency-api.log)"
  sleep 1
done
curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null || fail "the API did not become ready"

cd "$HERE" || exit 1
[ -d node_modules/@playwright/test ] || PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund || fail "npm ci failed"
echo "latency: $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD), $(nproc) cores, $(chromium --version 2>/dev/null | head -n 1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
LATENCY_BASE_URL="http://127.0.0.1:$PORT" LATENCY_OUTPUT_DIR="$RESULTS/playwright" npx playwright test
rc=$?
echo "latency: done, load average $(cut -d' ' -f1-3 /proc/loadavg)"
exit $rc
