#!/usr/bin/env bash
# Browser tests: the real API (serving the built dashboard) on 127.0.0.1:5090 against a throwaway database,
# driven by Playwright in Debian's Chromium. Expects services up, .local/env sourced, the solution built and
# the dashboard copied into the API's wwwroot (scripts/test.sh does all of that first).
# The demo practice is seeded (its doctor clears the review queue in review-queue.spec.ts; other specs register
# their own practices); every seeded patient has an earlier reviewed scan to compare with.
# Writes $RESULTS/e2e.counts ("PASSED FAILED") and exits non-zero when a test failed.
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
RESULTS="${1:-$REPO/.local/test-results}"
PORT="${E2E_PORT:-5090}"
DB="orthoscan_e2e_$(openssl rand -hex 6)"
BLOBS="$(mktemp -d -t orthoscan-e2e-blobs.XXXXXX)"
mkdir -p "$RESULTS"

field() { sed -n "s/.*$1=\([^;]*\).*/\1/p" <<<"$2"; }
with_db() { sed "s/Database=[^;]*/Database=$DB/" <<<"$1"; }

OWNER_CS="$ConnectionStrings__Owner"
export PGPASSWORD; PGPASSWORD="$(field Password "$OWNER_CS")"
psql_owner() { psql -h 127.0.0.1 -p "$(field Port "$OWNER_CS")" -U orthoscan_owner -d orthoscan -v ON_ERROR_STOP=1 -qc "$1"; }

api_pid=""
cleanup() {
  [ -n "$api_pid" ] && kill "$api_pid" 2>/dev/null && wait "$api_pid" 2>/dev/null
  psql_owner "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
  rm -rf "$BLOBS"
}
trap cleanup EXIT

fail() { echo "e2e: $1" >&2; echo "0 1" >"$RESULTS/e2e.counts"; exit 1; }

psql_owner "CREATE DATABASE $DB OWNER orthoscan_owner" || fail "could not create $DB"
export ConnectionStrings__Owner; ConnectionStrings__Owner="$(with_db "$OWNER_CS")"
export ConnectionStrings__App; ConnectionStrings__App="$(with_db "$ConnectionStrings__App")"
export OrthoScan__Redis__KeyPrefix="e2e:$DB:"
export OrthoScan__Storage__LocalRoot="$BLOBS"
export ASPNETCORE_ENVIRONMENT=Testing
# Invitation codes and reset links land in the dev mailbox, which the journeys read at /dev/mailbox/.
export OrthoScan__Notifications__ExposeDevMailbox=true

dotnet run --no-build --project "$REPO/src/OrthoScan.Api" -- migrate >"$RESULTS/e2e-migrate.log" 2>&1 || fail "migration failed (see e2e-migrate.log)"
dotnet run --no-build --project "$REPO/src/OrthoScan.Api" -- seed >"$RESULTS/e2e-seed.log" 2>&1 || fail "demo seed failed (see e2e-seed.log)"
dotnet run --no-build --project "$REPO/src/OrthoScan.Api" -- --urls "http://127.0.0.1:$PORT" >"$RESULTS/e2e-api.log" 2>&1 &
api_pid=$!
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && break
  kill -0 "$api_pid" 2>/dev/null || fail "the API exited (see e2e-api.log)"
  sleep 1
done
curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null || fail "the API did not become ready"

cd "$REPO/tests/e2e" || fail "tests/e2e missing"
[ -d node_modules/@playwright/test ] || PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund || fail "npm ci failed"
E2E_BASE_URL="http://127.0.0.1:$PORT" E2E_OUTPUT_DIR="$RESULTS/e2e" E2E_REPORT="$RESULTS/e2e-report.json" npx playwright test ${E2E_ARGS:-}
rc=$?
node -e '
  const r = require(process.argv[1]); const s = r.stats || {};
  console.log(`${(s.expected || 0) + (s.flaky || 0)} ${(s.unexpected || 0) + ((r.errors || []).length ? 1 : 0)}`);
' "$RESULTS/e2e-report.json" >"$RESULTS/e2e.counts" 2>/dev/null || echo "0 1" >"$RESULTS/e2e.counts"
exit $rc
