#!/usr/bin/env bash
# The patient app (Expo, src/OrthoScan.PatientApp): its web export is served by the API at /app/.
#   scripts/patient-app.sh build    install packages when the lock file changed, export for the web, copy into
#                                   src/OrthoScan.Api/wwwroot/app (after the dashboard's build, which empties wwwroot)
#   scripts/patient-app.sh test     TypeScript check and jest (jest-expo); writes $RESULTS/patient-app-tsc.counts and
#                                   $RESULTS/patient-app-jest.counts when RESULTS is set
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
APP="$REPO/src/OrthoScan.PatientApp"
TARGET="$REPO/src/OrthoScan.Api/wwwroot/app"
export EXPO_NO_TELEMETRY=1 EXPO_OFFLINE=1 CI=1

install() {
  bash "$REPO/scripts/npm-install.sh" "$APP"
  cd "$APP"
}

case "${1:-build}" in
  build)
    install
    rm -rf dist
    npx expo export --platform web --output-dir dist
    rm -rf "$TARGET"
    mkdir -p "$TARGET"
    cp -R dist/. "$TARGET/"
    echo "[patient-app] web export in $TARGET"
    ;;
  test)
    install
    if [ -z "${RESULTS:-}" ]; then
      npx tsc --noEmit
      npx jest
      exit 0
    fi
    rc=0
    if npx tsc --noEmit; then echo "1 0"; else rc=1; echo "0 1"; fi >"$RESULTS/patient-app-tsc.counts"
    jest_rc=0
    npx jest --json --outputFile="$RESULTS/patient-app-jest.json" || jest_rc=$?
    node -e '
      const r = require(process.argv[1]);
      console.log(`${r.numPassedTests || 0} ${(r.numFailedTests || 0) + (r.success === false && !r.numFailedTests ? 1 : 0)}`);
    ' "$RESULTS/patient-app-jest.json" >"$RESULTS/patient-app-jest.counts" 2>/dev/null || echo "0 1" >"$RESULTS/patient-app-jest.counts"
    [ "$jest_rc" -eq 0 ] || rc=$jest_rc
    exit $rc
    ;;
  *) echo "usage: $0 build|test" >&2; exit 2 ;;
esac
