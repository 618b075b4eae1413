#!/usr/bin/env bash
# The short versions of `make load` and `make chaos` (issue 17), run by make test after the .NET suites with the Debug
# build it made: the load mix and the feed against its twin on a small data set, and every fault scenario with short
# phases. Each passes or fails on its own automatic verdict (the full runs' latency and ratio targets are printed, not
# enforced, on so short a run). Writes "$RESULTS/smoke.counts" ("PASSED FAILED"), one per scenario; logs in
# $RESULTS/smoke/. Expects the services up and .local/env written (make test does both).
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$REPO" || exit 2
RESULTS="${RESULTS:-$REPO/.local/test-results}"
LOGS="$RESULTS/smoke"
mkdir -p "$LOGS"
export CONFIG=Debug

passed=0 failed=0
run() { # name command...
  local name=$1 started rc; shift
  started=$(date +%s)
  "$@" >"$LOGS/$name.log" 2>&1; rc=$?
  if [ "$rc" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
  echo "smoke $name: $([ "$rc" = 0 ] && echo PASS || echo "FAIL (exit $rc)") in $(( $(date +%s) - started )) s: $(tail -n 1 "$LOGS/$name.log")"
  [ "$rc" = 0 ] || tail -n 40 "$LOGS/$name.log"
}

run load env SMOKE=1 RESULTS="$LOGS/load" bash tests/load/run-load.sh
run kill-api env PATIENTS=6 SPREAD=8 KILL_MIN=2 KILL_MAX=4 KILL_PHASE_MAX=30 SETTLE_TIMEOUT=90 PORT=5697 RESULTS="$LOGS/chaos" bash tests/chaos/kill-api.sh
run redis-outage env BEFORE=2 OUTAGE=4 AFTER=5 PORT=5797 REDIS_PORT=56499 RESULTS="$LOGS/chaos" bash tests/chaos/redis-outage.sh
run notify-outage env BEFORE=2 OUTAGE=5 AFTER=3 GRACE=2 PORT=5987 FAKES_PORT=5989 RESULTS="$LOGS/chaos" bash tests/chaos/notify-outage.sh
run postgres-outage env BEFORE=2 OUTAGE=4 AFTER=5 PORT=5897 PG_PORT=55599 RESULTS="$LOGS/chaos" bash tests/chaos/postgres-outage.sh

echo "$passed $failed" >"$RESULTS/smoke.counts"
[ "$failed" = 0 ]
