#!/usr/bin/env bash
# The committed API contract (src/OrthoScan.Api/openapi.json), checked without the API running:
#   scripts/openapi-check.sh lint     Redocly CLI, recommended rules: any error fails (warnings are printed)
#   scripts/openapi-check.sh types    the dashboard's types generated from it must equal src/api/schema.d.ts
#   scripts/openapi-check.sh          both
# With RESULTS set, each check writes "$RESULTS/<check>.counts" ("1 0" passed, "0 1" failed) for test-summary.sh.
# That the committed document is what the API serves is a .NET test (tests/.../Platform/OpenApiSnapshotTests.cs).
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
DOCUMENT="$REPO/src/OrthoScan.Api/openapi.json"
REDOCLY="$REPO/tests/tools/redocly"
DASHBOARD="$REPO/src/OrthoScan.Dashboard"
# Redocly phones home for usage data and update notices: the check runs offline.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true

record() { # $1 = check name, $2 = its exit code
  if [ -n "${RESULTS:-}" ]; then
    if [ "$2" -eq 0 ]; then echo "1 0"; else echo "0 1"; fi >"$RESULTS/$1.counts"
  fi
}

install_redocly() {
  bash "$REPO/scripts/npm-install.sh" "$REDOCLY"
}

lint() {
  install_redocly || { echo "[openapi] installing Redocly CLI failed" >&2; return 1; }
  "$REDOCLY/node_modules/.bin/redocly" lint "$DOCUMENT"
}

types() {
  local generator="$DASHBOARD/node_modules/.bin/openapi-typescript" generated rc=0
  if [ ! -x "$generator" ]; then
    echo "[openapi] $generator is missing: install the dashboard first (scripts/dashboard.sh build)" >&2
    return 1
  fi
  generated="$(mktemp --suffix=.d.ts)"
  # The same command as the dashboard's `npm run gen:api`, into a temp file.
  (cd "$DASHBOARD" && "$generator" ../OrthoScan.Api/openapi.json -o "$generated" >/dev/null) || rc=1
  # Both apps compile against the same generated types.
  for app in OrthoScan.Dashboard OrthoScan.PatientApp; do
    if [ "$rc" -eq 0 ] && ! diff -u --label "committed/$app/src/api/schema.d.ts" --label generated "$REPO/src/$app/src/api/schema.d.ts" "$generated"; then
      echo "[openapi] src/$app/src/api/schema.d.ts does not match openapi.json: run \`make api-types\` and commit it" >&2
      rc=1
    fi
  done
  rm -f "$generated"
  return $rc
}

run() { # $1 = check, $2 = counts name
  local rc=0
  "$1" || rc=$?
  record "$2" "$rc"
  return $rc
}

case "${1:-all}" in
  lint) run lint openapi-lint ;;
  types) run types api-types-drift ;;
  all)
    rc=0
    run lint openapi-lint || rc=1
    run types api-types-drift || rc=1
    exit $rc
    ;;
  *) echo "usage: $0 [lint|types]" >&2; exit 2 ;;
esac
