#!/usr/bin/env bash
# Refreshes the committed OpenAPI snapshot (src/OrthoScan.Api/openapi.json) from the running code and regenerates
# the TypeScript types of the dashboard and the patient app from it. A test fails while the snapshot differs from what the API serves.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$REPO"
PORT=${API_TYPES_PORT:-5181}
# shellcheck disable=SC1091
source .local/env
dotnet build src/OrthoScan.Api -nologo -v q
dotnet run --no-build --project src/OrthoScan.Api -- --urls "http://127.0.0.1:$PORT" >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$PORT/health/live" >/dev/null 2>&1 && break; sleep 1; done
# The servers entry is relative ("/"), the same on any port: the document is committed as served.
curl -fsS "http://127.0.0.1:$PORT/openapi/v1.json" \
  | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.stringify(JSON.parse(s),null,2)+"\n"))' \
  >src/OrthoScan.Api/openapi.json
(cd src/OrthoScan.Dashboard && npm run gen:api)
cp src/OrthoScan.Dashboard/src/api/schema.d.ts src/OrthoScan.PatientApp/src/api/schema.d.ts
echo "[api-types] snapshot and the dashboard's and patient app's types regenerated"
