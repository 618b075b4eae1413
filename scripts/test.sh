#!/usr/bin/env bash
# Runs every test suite and prints "N passed, N failed" as the very last line (CI reads that line).
# Exit code: 0 only if every suite ran and nothing failed.
# Any step failing (services, build, a suite) still ends with the summary line.
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$REPO"
RESULTS="$REPO/.local/test-results"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# In CI a missing snapshot must fail instead of being written.
if [ "${CI:-}" = "true" ]; then export SNAPSHOOTER_STRICT_MODE=true; fi

rm -rf "$RESULTS"
mkdir -p "$RESULTS"

# A failing step before any suite ran counts as one failure, via a .counts file.
step_failed() { echo "test: step '$1' failed" >&2; echo "0 1" >"$RESULTS/step-$1.counts"; }

run_rc=0
summary() {
  bash scripts/test-summary.sh "$RESULTS" "$run_rc"
  exit $?
}

bash scripts/services.sh up || { step_failed services; summary; }
bash scripts/browser.sh || { step_failed chromium; summary; }
bash scripts/dashboard.sh build || { step_failed dashboard-build; summary; }
bash scripts/patient-app.sh build || { step_failed patient-app-build; summary; }
dotnet restore OrthoScan.sln || { step_failed restore; summary; }
dotnet build OrthoScan.sln -c Debug --no-restore -nologo || { step_failed build; summary; }

# shellcheck disable=SC1091
source .local/env
# The app and platform roles come from the first migration, run as the owner (as on RDS), which also sets the app
# role's password: once, before any suite connects as the app role.
dotnet run --no-build --project src/OrthoScan.Api -- migrate >"$RESULTS/migrate.log" 2>&1 || { step_failed migrate; summary; }

# --- .NET suites: one TRX file per test project.
dotnet test OrthoScan.sln --no-build --logger "trx;LogFilePrefix=results" --results-directory "$RESULTS"
rc=$?; [ "$rc" -eq 0 ] || run_rc=$rc

# --- TEST_SUITES: each further suite writes "$RESULTS/<suite>.counts" ("PASSED FAILED") and folds its exit code in.
# Dashboard lint (ESLint: next, typescript-eslint, react-hooks, jsx-a11y; any warning fails).
RESULTS="$RESULTS" bash scripts/dashboard.sh lint
rc=$?; [ "$rc" -eq 0 ] || run_rc=$rc

# Dashboard component tests (vitest).
RESULTS="$RESULTS" bash scripts/dashboard.sh test
rc=$?; [ "$rc" -eq 0 ] || run_rc=$rc

# Patient app: TypeScript check and component/logic tests (jest-expo).
RESULTS="$RESULTS" bash scripts/patient-app.sh test
rc=$?; [ "$rc" -eq 0 ] || run_rc=$rc

# Infrastructure: every .tf parses, and policy tests (with negative cases) over the parsed Terraform; deploy files.
RESULTS="$RESULTS" bash scripts/infra-check.sh
rc=$?; [ "$rc" -eq 0 ] || run_rc=$rc

# Browser tests (Playwright in Debian Chromium) against the real API serving the built dashboard.
bash scripts/e2e.sh "$RESULTS"
rc=$?; [ "$rc" -eq 0 ] || run_rc=$rc

# Short versions of `make load` and `make chaos` (scripts/smoke.sh): the load mix, the feed against its bare twin, kill -9
# and the dependency outages, each with its automatic verdict.
RESULTS="$RESULTS" bash scripts/smoke.sh
rc=$?; [ "$rc" -eq 0 ] || run_rc=$rc

# The committed OpenAPI contract: Redocly lint (recommended rules, zero errors) and the dashboard's generated types in sync.
RESULTS="$RESULTS" bash scripts/openapi-check.sh
rc=$?; [ "$rc" -eq 0 ] || run_rc=$rc

summary
