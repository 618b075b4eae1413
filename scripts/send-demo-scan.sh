#!/usr/bin/env bash
# Acts as a demo patient's app against a running `make run` (http://127.0.0.1:5080): declares a scan, uploads five
# 12-megapixel photos through the signed URLs, submits, and waits until it is processed. Sign in to the dashboard
# as the demo doctor to see it at the end of the review feed.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$REPO"
BASE_URL="${BASE_URL:-http://127.0.0.1:5080}"
curl -fsS "$BASE_URL/health/ready" >/dev/null || { echo "Start the API first: make run" >&2; exit 1; }
# shellcheck disable=SC1091
source .local/env
dotnet build tests/load/OrthoScan.Load -c Release -nologo -v q
code="$(dotnet run --no-build --no-launch-profile --project src/OrthoScan.Api -- demo-patient-code 2>/dev/null | tail -n 1)"
dotnet run -c Release --no-build --project tests/load/OrthoScan.Load -- --base-url "$BASE_URL" --activation-code "$code" --sessions 1 --warmup 0
