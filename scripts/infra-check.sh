#!/usr/bin/env bash
# Checks infra/ without AWS or provider downloads:
#   - node:test suites under tests/infra (every *.test.mjs outside node_modules): policy tests over the Terraform parsed
#     with @cdktf/hcl2json (tests/infra/terraform, each with negative cases) and the deploy files (tests/infra/deploy);
#   - `terraform fmt -check -recursive infra/terraform`, only where a terraform binary is installed.
# With RESULTS set: TAP in "$RESULTS/infra-policy.tap", "PASSED FAILED" in "$RESULTS/infra-policy.counts" (the fmt
# check counted as one more test). Exit non-zero on any failure.
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$REPO"
SUITE="$REPO/tests/infra"

counts() { # $1 = passed, $2 = failed
  if [ -n "${RESULTS:-}" ]; then mkdir -p "$RESULTS" && echo "$1 $2" >"$RESULTS/infra-policy.counts"; fi
}

if ! bash scripts/npm-install.sh "$SUITE"; then
  echo "[infra] installing tests/infra failed" >&2
  counts 0 1
  exit 1
fi

mapfile -t files < <(find "$SUITE" -name node_modules -prune -o -type f -name '*.test.mjs' -print | sort)
if [ "${#files[@]}" -eq 0 ]; then
  echo "[infra] no *.test.mjs under tests/infra" >&2
  counts 0 1
  exit 1
fi

tap="$(mktemp)"
trap 'rm -f "$tap"' EXIT
node --test --test-reporter=tap "${files[@]}" >"$tap" 2>&1
node_rc=$?
cat "$tap"
if [ -n "${RESULTS:-}" ]; then mkdir -p "$RESULTS" && cp "$tap" "$RESULTS/infra-policy.tap"; fi

pass="$(grep -E '^# pass [0-9]+$' "$tap" | tail -1 | awk '{print $3}')"
fail="$(grep -E '^# fail [0-9]+$' "$tap" | tail -1 | awk '{print $3}')"
cancelled="$(grep -E '^# cancelled [0-9]+$' "$tap" | tail -1 | awk '{print $3}')"
if [ -z "$pass" ] || [ -z "$fail" ]; then
  echo "[infra] no test counts in the node --test output (exit $node_rc)" >&2
  pass=0 fail=1
else
  fail=$((fail + ${cancelled:-0}))
  # node exiting non-zero with nothing counted as failed (e.g. a crash after the summary) is still a failure.
  if [ "$node_rc" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
fi

# An empty CLI configuration: fmt needs none, and without one terraform warns about a missing ~/.terraformrc.
export TF_CLI_CONFIG_FILE=/dev/null
if command -v terraform >/dev/null 2>&1; then
  if terraform fmt -check -recursive -diff infra/terraform; then
    pass=$((pass + 1))
  else
    echo "[infra] terraform fmt: run \`terraform fmt -recursive infra/terraform\`" >&2
    fail=$((fail + 1))
  fi
else
  echo "[infra] terraform not installed: skipping terraform fmt -check"
fi

counts "$pass" "$fail"
echo "[infra] $pass passed, $fail failed"
[ "$fail" -eq 0 ]
