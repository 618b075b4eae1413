#!/usr/bin/env bash
# Debian's Chromium for the browser tests (Playwright cannot download its own browser on our machines).
set -euo pipefail
command -v chromium >/dev/null 2>&1 && exit 0
echo "[browser] installing chromium (apt)"
export DEBIAN_FRONTEND=noninteractive
for attempt in 1 2 3 4 5; do
  if { apt-get update -qq && apt-get install -y -qq chromium; }; then exit 0; fi
  echo "[browser] apt busy or failed (attempt $attempt); retrying" >&2
  sleep 10
done
exit 1
