#!/usr/bin/env bash
# Builds the dashboard (Next.js static export) and puts it where the API serves it: src/OrthoScan.Api/wwwroot.
#   scripts/dashboard.sh build    install packages when the lock file changed, build, copy
#   scripts/dashboard.sh test     component tests (vitest); writes $RESULTS/vitest.counts when RESULTS is set
#   scripts/dashboard.sh lint     ESLint with zero warnings allowed; writes $RESULTS/eslint.counts ("1 0" clean,
#                                 "0 1" any finding) when RESULTS is set
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
APP="$REPO/src/OrthoScan.Dashboard"
WWWROOT="$REPO/src/OrthoScan.Api/wwwroot"
export NEXT_TELEMETRY_DISABLED=1

install() {
  bash "$REPO/scripts/npm-install.sh" "$APP"
  cd "$APP"
}

case "${1:-build}" in
  build)
    install
    npm run build
    rm -rf "$WWWROOT"
    mkdir -p "$WWWROOT"
    cp -R "$APP/out/." "$WWWROOT/"
    echo "[dashboard] built into $WWWROOT"
    ;;
  test)
    install
    if [ -n "${RESULTS:-}" ]; then
      rc=0
      npx vitest run --reporter=default --reporter=json --outputFile.json="$RESULTS/vitest.json" || rc=$?
      node -e '
        const r = require(process.argv[1]);
        console.log(`${r.numPassedTests || 0} ${(r.numFailedTests || 0) + (r.success === false && !r.numFailedTests ? 1 : 0)}`);
      ' "$RESULTS/vitest.json" >"$RESULTS/vitest.counts" 2>/dev/null || echo "0 1" >"$RESULTS/vitest.counts"
      exit $rc
    fi
    npx vitest run
    ;;
  lint)
    install
    rc=0
    npm run --silent lint || rc=$?
    if [ -n "${RESULTS:-}" ]; then
      if [ "$rc" -eq 0 ]; then echo "1 0"; else echo "0 1"; fi >"$RESULTS/eslint.counts"
    fi
    exit $rc
    ;;
  *) echo "usage: $0 build|test|lint" >&2; exit 2 ;;
esac
