#!/usr/bin/env bash
# Installs a folder's npm packages from its lock file, and again only when the lock file changed since (a stamp in
# node_modules remembers which one was installed). Usage: scripts/npm-install.sh DIR
set -euo pipefail
cd "$1"
stamp="node_modules/.orthoscan-lock.sha"
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  npm ci --no-audit --no-fund
  echo "$want" >"$stamp"
fi
