#!/usr/bin/env bash
# Audit benchmark of issue 10 (docs/performance.md, "Audit without a practice-wide lock"): creates a throwaway database,
# migrates it, starts the API twice on it (Release, role all): on $PORT with auditing on and on $PORT+1 with
# OrthoScan:Audit:Enabled=false (a benchmark-only switch), then runs `OrthoScan.Load audit-run`: one practice,
# GET /api/v1/patients/{id} at 32 connections on each, side by side, REPEAT times, and prints the audited / plain
# throughput ratio with its spread. Expects PostgreSQL and Redis up (make services); starts and stops nothing else.
#   ENV_FILE    environment to source (default .local/env)
#   PORT        audited API port (default 5097); the API with auditing off listens on PORT+1
#   API_REPO    the checkout whose API is measured (default this one). For the "before" numbers, a worktree of the
#               commit before the sealer with tests/load/audit-bench-baseline.patch applied (the same switch, nothing else)
#   REPEAT      repeats (default 5)
#   SEALER      all (default): the audited API also runs the sealer (role all); worker: the audited API runs with
#               --role api and a third process (--role worker) seals, as API and worker tasks would run apart
#   RUN_ARGS    more audit-run options (e.g. "--duration-s 10 --warmup-s 3 --concurrency 32")
#   RESULTS     where the logs go (default .local/audit-bench)
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
ENV_FILE="${ENV_FILE:-$REPO/.local/env}"
API_REPO="$(cd "${API_REPO:-$REPO}" && pwd -P)"
PORT="${PORT:-5097}"
REPEAT="${REPEAT:-5}"
RESULTS="${RESULTS:-$REPO/.local/audit-bench}"
DB="orthoscan_audit_bench_$(openssl rand -hex 4)"
BLOBS="$(mktemp -d -t orthoscan-audit-bench-blobs.XXXXXX)"
mkdir -p "$RESULTS"

# shellcheck disable=SC1090
source "$ENV_FILE" || { echo "audit-bench: cannot source $ENV_FILE" >&2; exit 1; }

field() { sed -n "s/.*$1=\([^;]*\).*/\1/p" <<<"$2"; }
with_db() { sed "s/Database=[^;]*/Database=$DB/" <<<"$1"; }
OWNER_CS="$ConnectionStrings__Owner"
export PGPASSWORD; PGPASSWORD="$(field Password "$OWNER_CS")"
PGPORT_="$(field Port "$OWNER_CS")"
psql_owner() { psql -h 127.0.0.1 -p "$PGPORT_" -U orthoscan_owner -d orthoscan -v ON_ERROR_STOP=1 -qc "$1"; }

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  psql_owner "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
  rm -rf "$BLOBS"
}
trap cleanup EXIT
fail() { echo "audit-bench: $1" >&2; exit 1; }

dotnet build -c Release -nologo -v q "$API_REPO/src/OrthoScan.Api" >/dev/null || fail "API build failed ($API_REPO)"
dotnet build -c Release -nologo -v q "$REPO/tests/load/OrthoScan.Load" >/dev/null || fail "harness build failed"

psql_owner "CREATE DATABASE $DB OWNER orthoscan_owner" || fail "could not create $DB"
export ConnectionStrings__Owner; ConnectionStrings__Owner="$(with_db "$OWNER_CS")"
export ConnectionStrings__App; ConnectionStrings__App="$(with_db "$ConnectionStrings__App")"
export OrthoScan__Redis__KeyPrefix="bench:$DB:"
# One user asks as fast as the API answers, on purpose: far beyond a person's per-minute budget (600), which would
# turn the measurement into 429s.
export OrthoScan__Auth__RequestsPerMinutePerUser=1000000
export OrthoScan__Storage__LocalRoot="$BLOBS"
# Both sides log only warnings: per-request log lines would add the same cost to both and flatter the ratio.
export Serilog__MinimumLevel__Default=Warning

dotnet run -c Release --no-build --project "$API_REPO/src/OrthoScan.Api" -- migrate >"$RESULTS/migrate.log" 2>&1 || fail "migration failed (see $RESULTS/migrate.log)"
start_api() { # $1 = port, $2 = audit on (true/false), $3 = log name, $4 = role
  OrthoScan__Audit__Enabled="$2" dotnet run -c Release --no-build --project "$API_REPO/src/OrthoScan.Api" -- --urls "http://127.0.0.1:$1" --role "$4" >"$RESULTS/$3.log" 2>&1 &
  pids+=("$!")
}
SEALER="${SEALER:-all}"
case "$SEALER" in
  all) start_api "$PORT" true api-audited all ;;
  worker) start_api "$PORT" true api-audited api; start_api "$((PORT + 2))" true worker worker ;;
  *) fail "SEALER must be all or worker" ;;
esac
start_api "$((PORT + 1))" false api-plain all
for port in "$PORT" "$((PORT + 1))"; do
  for _ in $(seq 1 90); do
    curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
    sleep 1
  done
  curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null || fail "the API on $port did not become ready (see $RESULTS/api-*.log)"
done
# `dotnet run` starts the API as its child: that process is the one whose CPU time counts.
app_pid() { pgrep -P "$1" -f OrthoScan.Api | head -1; }

echo "audit-bench: $(date -u +%FT%TZ), API of $API_REPO at commit $(git -C "$API_REPO" rev-parse --short HEAD)$(git -C "$API_REPO" diff --quiet -- src/OrthoScan.Api || echo ' + local changes to src/OrthoScan.Api'), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, load average $(cut -d' ' -f1-3 /proc/loadavg)"
# shellcheck disable=SC2086
dotnet run -c Release --no-build --project "$REPO/tests/load/OrthoScan.Load" -- audit-run --repeat "$REPEAT" \
  --audited-url "http://127.0.0.1:$PORT" --plain-url "http://127.0.0.1:$((PORT + 1))" \
  --audited-pid "$(app_pid "${pids[0]}")" --plain-pid "$(app_pid "${pids[-1]}")" --database "$DB" \
  $([ "$SEALER" = worker ] && echo "--worker-pid $(app_pid "${pids[1]}")") ${RUN_ARGS:-}
rc=$?
echo "audit-bench: done, load average $(cut -d' ' -f1-3 /proc/loadavg)"
exit $rc
