#!/usr/bin/env bash
# Prints one line "N passed, N failed" summed over every suite's results in DIR:
#   - *.trx files (any depth): the <Counters .../> element written by `dotnet test --logger trx`
#   - *.counts files (any depth): a single line "PASSED FAILED", written by other suites (vitest, Playwright, ...)
# Usage: test-summary.sh DIR [RUN_EXIT_CODE]
# Exit 0 only if something ran, nothing failed and RUN_EXIT_CODE (default 0) is 0.
set -euo pipefail

dir="${1:?usage: test-summary.sh DIR [RUN_EXIT_CODE]}"
run_rc="${2:-0}"
passed=0 failed=0 total=0

attr() { # $1 = attribute name, stdin = <Counters .../> element
  grep -o "[[:space:]]$1=\"[0-9]*\"" | head -1 | grep -o '[0-9][0-9]*' || echo 0
}

if [ -d "$dir" ]; then
  while IFS= read -r -d '' trx; do
    counters="$(tr '\n\r' '  ' <"$trx" | grep -o '<Counters [^>]*>' | head -1 || true)"
    if [ -z "$counters" ]; then
      echo "test-summary: no <Counters> in $trx, counting 1 failure" >&2
      failed=$((failed + 1)); total=$((total + 1)); continue
    fi
    p="$(attr passed <<<"$counters")"
    # error/timeout/aborted are failures too (e.g. a crashed test host).
    f=0; for a in failed error timeout aborted; do f=$((f + $(attr "$a" <<<"$counters"))); done
    passed=$((passed + p)); failed=$((failed + f)); total=$((total + p + f))
  done < <(find "$dir" -type f -name '*.trx' -print0)

  while IFS= read -r -d '' counts; do
    read -r p f _ <"$counts" || true
    if ! [[ "${p:-}" =~ ^[0-9]+$ && "${f:-}" =~ ^[0-9]+$ ]]; then
      echo "test-summary: malformed $counts (want 'PASSED FAILED'), counting 1 failure" >&2
      p=0; f=1
    fi
    passed=$((passed + p)); failed=$((failed + f)); total=$((total + p + f))
  done < <(find "$dir" -type f -name '*.counts' -print0)
fi

if [ "$total" -eq 0 ]; then
  echo "test-summary: no test results found in $dir" >&2
  passed=0; failed=1
elif [ "$run_rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The run failed (crash, build error, missing project) without a failing test being recorded.
  echo "test-summary: test run exited with code $run_rc but recorded no failing test, counting 1 failure" >&2
  failed=1
fi

# The failing tests by name just above the last line, so the tail of a CI log says what failed.
if [ "$failed" -gt 0 ] && [ -d "$dir" ]; then
  find "$dir" -type f -name '*.trx' -print0 | xargs -0 -r cat | tr '\n\r' '  ' |
    grep -o '<UnitTestResult [^>]*outcome="Failed"[^>]*>' | grep -o 'testName="[^"]*"' |
    sed 's/^testName="\(.*\)"$/FAILED: \1/' | head -20 || true
  while IFS= read -r -d '' counts; do
    read -r _ f _ <"$counts" || true
    if [ "${f:-1}" != "0" ]; then echo "FAILED: suite $(basename "$counts" .counts)"; fi
  done < <(find "$dir" -type f -name '*.counts' -print0)
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
