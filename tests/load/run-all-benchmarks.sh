#!/usr/bin/env bash
# Every benchmark of docs/performance.md rerun together, one after the other in one session (issue 17), each against
# the baseline it measures in the same run, then one markdown table of ratios:
#   benchmark | measure | candidate | baseline | ratio | target | met? | load average
# Each benchmark runs with its documented command (scaled only through its documented options, see SCALE); its whole
# output goes to $RESULTS/<name>.log, the exact command and the load average before and after are at the top and
# bottom of that log. A benchmark that fails or cannot run is a row saying so. Not here: `make load`
# (tests/load/run-load.sh, with the feed against its bare twin) and `make chaos`.
# Expects PostgreSQL and Redis up (scripts/services.sh up; the benches read .local/env).
#   ONLY        names to run, e.g. ONLY="image scan" (default: all of them, in this order):
#                 image scan review-latency review hostile audit export ml patient-app
#   SCALE       full (default): every documented default; quick: the smaller documented options printed in each
#               row's command (fewer sessions, presses, repeats, rows, tag sets), for a run that fits in about 40 min
#   RESULTS     where the logs and the table go (default .local/benchmarks-all)
#   PORT_BASE   first of the loopback ports the benches listen on (default 6000): scan +10, review-latency +20,
#               review +30/+31, audit +40..+42, patient-app e2e +50
#   TIMEOUT_S   a single benchmark is stopped after this long (default 2400; its row says so)
#   DEADLINE_S  no benchmark starts after this many seconds since the start, and a running one is stopped at it
#               (default 0: none); the ones not run are rows saying so. Either way the script stops by itself.
#   TABLE_ONLY  1: run nothing, print the table again from the logs and $RESULTS/<name>.status of an earlier run
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
cd "$REPO" || exit 1
RESULTS="${RESULTS:-$REPO/.local/benchmarks-all}"
SCALE="${SCALE:-full}"
PORT_BASE="${PORT_BASE:-6000}"
TIMEOUT_S="${TIMEOUT_S:-2400}"
DEADLINE_S="${DEADLINE_S:-0}"
ALL="image scan review-latency review hostile audit export ml patient-app"
ONLY="${ONLY:-$ALL}"
ENV_FILE="${ENV_FILE:-$REPO/.local/env}"
[ "$SCALE" = full ] || [ "$SCALE" = quick ] || { echo "run-all: SCALE must be full or quick" >&2; exit 2; }
for n in $ONLY; do [[ " $ALL " == *" $n "* ]] || { echo "run-all: unknown benchmark $n (known: $ALL)" >&2; exit 2; }; done
[ -f "$ENV_FILE" ] || { echo "run-all: $ENV_FILE missing: scripts/services.sh up first" >&2; exit 1; }
mkdir -p "$RESULTS"
TABLE="$RESULTS/table.md"
STARTED=$(date +%s)
q() { [ "$SCALE" = quick ]; }
load_avg() { cut -d' ' -f1-3 /proc/loadavg; }

# ------------------------------------------------------------------ the commands (as documented, scaled by SCALE)
# Each is a shell command line run from the repository root with .local/env exported.
cmd_image="dotnet run -c Release --project tests/OrthoScan.Benchmarks -- --job short --filter '*' --artifacts \"$RESULTS/image-artifacts\""
cmd_scan="PORT=$((PORT_BASE + 10)) RESULTS=\"$RESULTS/scan\" $(q && echo 'SESSIONS=10 ')tests/load/run-scan-latency.sh"
cmd_review_latency="{ [ -f src/OrthoScan.Api/wwwroot/review/index.html ] || bash scripts/dashboard.sh build; } && PORT=$((PORT_BASE + 20)) RESULTS=\"$RESULTS/review-latency\" $(q && echo 'PRESSES=10 BLOCKS=2 ')tests/load/review-latency/run.sh"
cmd_review="PORT=$((PORT_BASE + 30)) RESULTS=\"$RESULTS/review\" $(q && echo 'REPEAT=1 RUN_ARGS="--duration-s 10 --warmup-s 5 --probe-s 5 --tag-count 400" ')tests/load/run-review-bench.sh"
cmd_hostile="dotnet build tests/OrthoScan.Api.Tests -c Debug -nologo -v q && dotnet test tests/OrthoScan.Api.Tests --no-build --filter \"FullyQualifiedName~WorkerMemoryTests\" --logger \"console;verbosity=detailed\""
cmd_audit="PORT=$((PORT_BASE + 40)) RESULTS=\"$RESULTS/audit\" $(q && echo 'REPEAT=3 RUN_ARGS="--prewarm-s 5" ')tests/load/run-audit-bench.sh"
cmd_export="$(q && echo 'ROWS=200000 REPEATS=3' || echo 'ROWS=1000000 REPEATS=5') CONFIG=Release tests/load/run-export-bench.sh"
cmd_ml="dotnet build ml/OrthoScan.Ml.Cli -c Release -nologo -v q && ml/OrthoScan.Ml.Cli/bin/Release/net10.0/linux-x64/orthoscan-ml bench $(q && echo '--tag-sets 10000 --calls 300' || echo '--tag-sets 100000 --calls 500')"
cmd_patient_app="{ [ -f src/OrthoScan.Api/wwwroot/review/index.html ] || bash scripts/dashboard.sh build; } && bash scripts/patient-app.sh build && (cd src/OrthoScan.PatientApp/dist && echo \"web bundle files:\" && find . -name '*.js' -printf '%s %p\\n' | sort -rn | while read -r s f; do echo \"bundle \$f \$s bytes, gzip -9 \$(gzip -9c \"\$f\" | wc -c) bytes\"; done) && dotnet build src/OrthoScan.Api -nologo -v q && E2E_PORT=$((PORT_BASE + 50)) E2E_ARGS=\"--project=patient-app\" bash scripts/e2e.sh \"$RESULTS/patient-app-e2e\""

cmd_of() { local v="cmd_${1//-/_}"; printf '%s' "${!v}"; }

# ------------------------------------------------------------------ running
declare -A RC LA_BEFORE LA_AFTER SECS
run_one() { # $1 = name
  local name=$1 log="$RESULTS/$1.log" cmd limit rc t0
  cmd="$(cmd_of "$name")"
  limit=$TIMEOUT_S
  if [ "$DEADLINE_S" -gt 0 ]; then
    local left=$((DEADLINE_S - ($(date +%s) - STARTED)))
    if [ "$left" -le 30 ]; then RC[$name]=deadline; echo "run-all: $name not started: the deadline (DEADLINE_S=$DEADLINE_S) has passed" | tee "$log"; return; fi
    [ "$left" -lt "$limit" ] && limit=$left
  fi
  LA_BEFORE[$name]="$(load_avg)"
  t0=$(date +%s)
  {
    echo "run-all: $name, $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD), load average ${LA_BEFORE[$name]}, limit ${limit}s"
    echo "run-all: command: $cmd"
  } >"$log"
  echo "run-all: $(date -u +%T) $name (load average ${LA_BEFORE[$name]}, limit ${limit}s): $cmd"
  # timeout puts the command in a process group of its own and signals all of it; each bench's own trap cleans up.
  ( set -a; . "$ENV_FILE"; set +a; exec timeout -k 60 "$limit" bash -c "$cmd" ) >>"$log" 2>&1 </dev/null
  rc=$?
  [ "$rc" = 124 ] || [ "$rc" = 137 ] && rc="timeout after ${limit}s"
  RC[$name]=$rc
  LA_AFTER[$name]="$(load_avg)"
  SECS[$name]=$(( $(date +%s) - t0 ))
  echo "run-all: $name exit $rc after ${SECS[$name]} s, load average ${LA_AFTER[$name]}" | tee -a "$log"
  printf '%s\n%s\n%s\n%s\n' "${RC[$name]}" "${LA_BEFORE[$name]:-}" "${LA_AFTER[$name]:-}" "${SECS[$name]:-0}" >"$RESULTS/$name.status"
}

for name in $ALL; do
  [[ " $ONLY " == *" $name "* ]] || continue
  if [ "${TABLE_ONLY:-0}" = 1 ]; then
    [ -f "$RESULTS/$name.status" ] || continue
    { read -r RC[$name]; read -r LA_BEFORE[$name]; read -r LA_AFTER[$name]; read -r SECS[$name]; } <"$RESULTS/$name.status"
  else
    run_one "$name"
  fi
done

# ------------------------------------------------------------------ the table
rows=()
row() { rows+=("| $1 | $2 | $3 | $4 | $5 | $6 | $7 | $8 |"); } # bench measure candidate baseline ratio target met load
la() { printf '%s → %s' "${LA_BEFORE[$1]:-?}" "${LA_AFTER[$1]:-?}"; }
status_row() { # a benchmark that did not give its figures
  local name=$1 bench=$2 why
  case "${RC[$name]:-}" in
    deadline) why="not run: deadline reached (DEADLINE_S=$DEADLINE_S)" ;;
    "") why="not run" ;;
    *) why="failed (exit ${RC[$name]}; see $name.log: $(grep -aiE 'error|fail|exception|not found|missing' "$RESULTS/$name.log" | grep -v '^run-all:' | head -1 | cut -c1-140 | tr '|' '/'))" ;;
  esac
  row "$bench" "$why" "-" "-" "-" "-" "-" "$(la "$name")"
}
# the Nth number in the first match of $1 (not counting the 95 of "p95": a number must not follow a letter)
num() { grep -aoE "$1" | head -1 | grep -oE '(^|[^A-Za-z0-9.])[0-9]+(\.[0-9]+)?' | grep -oE '[0-9]+(\.[0-9]+)?' | sed -n "${2:-1}p"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }
met() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { if (v == "" || v == "-") print "?"; else if ((op == "<=" && v + 0 <= t + 0) || (op == "<" && v + 0 < t + 0) || (op == ">=" && v + 0 >= t + 0)) print "yes"; else print "**no**" }'; }

# image: BenchmarkDotNet's summary table (Mean and Ratio columns; Method is the Description)
if [ -n "${RC[image]:-}" ]; then
  L="$RESULTS/image.log"
  bdn() { # $1 = method text; prints "mean ratio"
    awk -F'|' -v m="$1" '
      /\| *Method *\|/ { for (i = 1; i <= NF; i++) { h = $i; gsub(/^ +| +$/, "", h); col[h] = i } ; next }
      col["Mean"] { k = $col["Method"]; gsub(/^ +| +$/, "", k); gsub(/^\x27|\x27$/, "", k)
                    if (k == m) { mean = $col["Mean"]; r = $col["Ratio"]; gsub(/^ +| +$/, "", mean); gsub(/^ +| +$/, "", r); print mean "|" r; exit } }' "$L"
  }
  base1="$(bdn "libvips thumbnail x3 (in-process)")"; ours1="$(bdn "ImageProcessor.Process")"
  base2="$(bdn "libvips thumbnail x3 (in-process), 2 in parallel")"; ours2="$(bdn "ImageProcessor.Process, 2 in parallel")"
  cli="$(bdn "vipsthumbnail CLI x3 (processes)")"
  if [ -n "$ours1" ] && [ -n "$base1" ] && [[ "$ours1" != NA* ]] && [[ "$base1" != NA* ]]; then
    r1="${ours1#*|}"; r2="${ours2#*|}"
    row "Image processing (BenchmarkDotNet ShortRun)" "ImageProcessor.Process, mean per 12 MP image" "${ours1%|*}" "${base1%|*} (libvips thumbnail x3 in-process)" "**$r1**" "≤ 1.5" "$(met "$r1" '<=' 1.5)" "$(la image)"
    [ -n "$ours2" ] && row "Image processing" "the same, 2 at a time, per image" "${ours2%|*}" "${base2%|*} (the same, 2 at a time)" "**$r2**" "≤ 1.5" "$(met "$r2" '<=' 1.5)" "$(la image)"
    if [ -n "$cli" ] && [[ "${cli%|*}" != NA* ]]; then
      row "Image processing" "ImageProcessor.Process vs vipsthumbnail CLI x3 (second baseline)" "${ours1%|*}" "${cli%|*}" "$(awk -v a="$r1" -v b="${cli#*|}" 'BEGIN { printf "%.2f", a / b }')" "(reported only)" "-" "$(la image)"
    else
      row "Image processing" "vs vipsthumbnail CLI x3 (second baseline)" "-" "not measured: $(command -v vipsthumbnail >/dev/null || echo 'vipsthumbnail not installed (apt libvips-tools)')" "-" "(reported only)" "-" "$(la image)"
    fi
  else
    why=$(grep -aoE 'The configured timeout [^!]* was reached|BenchmarkDotNet has failed to build[^.]*' "$L" | head -2 | paste -sd';' | tr '|' '/')
    row "Image processing (BenchmarkDotNet ShortRun)" "**failed**: no result (NA)${why:+: $why}" "-" "-" "-" "≤ 1.5" "-" "$(la image)"
  fi
fi

# scan pipeline
if [ -n "${RC[scan]:-}" ]; then
  L="$RESULTS/scan.log"
  c=$(num 'submit -> ready \(client[^:]*: n=[0-9]+ min [0-9]+ ms, median [0-9]+ ms, p95 [0-9]+' 5 <"$L") # 50 ms polling, n, min, median, p95
  b=$(num 'baseline: 5 x ImageProcessor.Process, sequential: n=[0-9]+ min [0-9]+ ms, median [0-9]+ ms, p95 [0-9]+' 5 <"$L")
  n=$(num 'submit -> ready \(client[^:]*: n=[0-9]+' 2 <"$L")
  if [ -n "$c" ] && [ -n "$b" ]; then
    row "Scan pipeline submit → ready (n=$n)" "p95 per session of 5 × 12 MP" "$c ms" "$b ms (5 × ImageProcessor.Process in-process)" "**$(ratio "$c" "$b")**" "p95 ≤ 3000 ms" "$(met "$c" '<=' 3000)" "$(la scan)"
    [ "${RC[scan]}" = 0 ] || row "Scan pipeline" "exit ${RC[scan]}: a session did not end ready (see scan.log)" "-" "-" "-" "-" "**no**" "$(la scan)"
  else status_row scan "Scan pipeline submit → ready"; fi
fi

# review screen (Playwright)
if [ -n "${RC[review-latency]:-}" ]; then
  L="$RESULTS/review-latency.log"
  pl=$(grep -a '^| prefetch (default)' "$L" | head -1); bl=$(grep -a '^| no prefetch' "$L" | head -1)
  if [ -n "$pl" ] && [ -n "$bl" ]; then
    p=$(cut -d'|' -f5 <<<"$pl" | tr -d ' '); b=$(cut -d'|' -f5 <<<"$bl" | tr -d ' '); n=$(cut -d'|' -f3 <<<"$pl" | tr -d ' ')
    row "Review screen N → next scan (Chromium, n=$n per mode)" "p95 with prefetch" "$p ms" "$b ms (\`?prefetch=0\`)" "**$(ratio "$p" "$b")**" "p95 < 150 ms" "$(met "$p" '<' 150)" "$(la review-latency)"
    miss=$(grep -a '^misses' "$L" | head -1); [ -n "$miss" ] && [[ "$miss" != *"prefetch 0, baseline 0"* ]] && row "Review screen" "$miss" "-" "-" "-" "-" "-" "$(la review-latency)"
  else status_row review-latency "Review screen N → next scan"; fi
fi

# review analytics and tagging
if [ -n "${RC[review]:-}" ]; then
  L="$RESULTS/review.log"
  mrow() { grep -a "^| $1 |" "$L" | tail -1; }
  ac=$(mrow 'analytics api cold'); ab=$(mrow 'analytics bare'); aw=$(mrow 'analytics api warm (cached)')
  t8=$(grep -a '^| tag submission' "$L" | grep -v '1 connection' | tail -1); t1=$(grep -a '^| tag submission' "$L" | grep '1 connection' | tail -1)
  f() { cut -d'|' -f"$2" <<<"$1" | tr -d ' '; } # 3 rps, 4 p50, 5 p99
  if [ -n "$ac" ] && [ -n "$ab" ]; then
    rc_=$(num 'analytics api cold / bare throughput: median [0-9.]+' 1 <"$L")
    row "Review analytics at scale (1 M sessions, 32 connections)" "analytics cold, requests/s" "$(f "$ac" 3)/s (p99 $(f "$ac" 5) ms)" "$(f "$ab" 3)/s (p99 $(f "$ab" 5) ms, bare raw-Npgsql twin)" "**${rc_:-$(ratio "$(f "$ac" 3)" "$(f "$ab" 3)")}**" "(none in the issue)" "-" "$(la review)"
    [ -n "$aw" ] && row "Review analytics" "analytics warm (cached), requests/s" "$(f "$aw" 3)/s (p99 $(f "$aw" 5) ms)" "$(f "$ab" 3)/s (bare twin)" "$(ratio "$(f "$aw" 3)" "$(f "$ab" 3)")" "(none)" "-" "$(la review)"
  fi
  if [ -n "$t8" ]; then
    row "Review tagging at scale" "tag submission p99, 8 connections" "$(f "$t8" 5) ms ($(f "$t8" 3)/s)" "no baseline (absolute target)" "-" "p99 < 30 ms" "$(met "$(f "$t8" 5)" '<' 30)" "$(la review)"
    [ -n "$t1" ] && row "Review tagging at scale" "tag submission p99, 1 connection" "$(f "$t1" 5) ms ($(f "$t1" 3)/s)" "no baseline (absolute target)" "-" "p99 < 30 ms" "$(met "$(f "$t1" 5)" '<' 30)" "$(la review)"
  fi
  [ -z "$ac" ] && [ -z "$t8" ] && status_row review "Review analytics and tagging at scale"
  [ -n "$ac$t8" ] && [ "${RC[review]}" != 0 ] && row "Review analytics and tagging" "exit ${RC[review]}: errors in a run (see review.log)" "-" "-" "-" "-" "-" "$(la review)"
fi

# hostile images: the peak RSS printed by WorkerMemoryTests against its 300 MB budget
if [ -n "${RC[hostile]:-}" ]; then
  L="$RESULTS/hostile.log"
  pk=$(grep -aoE '[0-9]+ file\(s\), 2 job loop\(s\), 1 decode\(s\) at once: peak RSS [0-9.]+ MB' "$L" | head -1 | grep -oE 'RSS [0-9.]+' | cut -d' ' -f2)
  passed=$(grep -aoE '^ *(Passed|Failed): +[0-9]+' "$L" | tr -s ' ' | sed 's/^ //' | paste -sd, -)
  if [ -n "$pk" ]; then
    row "Hostile images, worker peak memory (Debug)" "peak RSS of process-image on the bomb files, 2 job loops" "$pk MB" "budget 300 MB (before-commit 3,139 MB not rebuilt in this run)" "$(ratio "$pk" 300) of budget" "< 300 MB" "$(met "$pk" '<' 300)" "$(la hostile)"
    row "Hostile images" "WorkerMemoryTests" "${passed:-exit ${RC[hostile]}}" "-" "-" "all pass" "$([ "${RC[hostile]}" = 0 ] && echo yes || echo '**no**')" "$(la hostile)"
  else status_row hostile "Hostile images, worker peak memory"; fi
fi

# audit
if [ -n "${RC[audit]:-}" ]; then
  L="$RESULTS/audit.log"
  line=$(grep -a '^audited / plain throughput' "$L" | tail -1)
  ar=$(grep -a '^| audited |' "$L" | tail -1 | cut -d'|' -f3 | tr -d ' '); pr=$(grep -a '^| plain |' "$L" | tail -1 | cut -d'|' -f3 | tr -d ' ')
  if [ -n "$line" ]; then
    m=$(num 'median [0-9.]+' 1 <<<"$line"); mn=$(num 'min [0-9.]+' 1 <<<"$line"); mx=$(num 'max [0-9.]+' 1 <<<"$line")
    row "Audit without a practice-wide lock (32 connections)" "audited read requests/s, median" "${ar:-?}/s" "${pr:-?}/s (auditing off, same build)" "**$m** ($mn–$mx)" "≥ 0.8" "$(met "$m" '>=' 0.8)" "$(la audit)"
    [ "${RC[audit]}" = 0 ] || row "Audit" "exit ${RC[audit]}: errors or chain not valid (see audit.log)" "-" "-" "-" "-" "**no**" "$(la audit)"
  else status_row audit "Audit without a practice-wide lock"; fi
fi

# export: pair by pair (export, copy) wall seconds; ratio = copy / export (speed relative to \copy)
if [ -n "${RC[export]:-}" ]; then
  L="$RESULTS/export.log"
  # one line per pair: copy/export wall, export wall, copy wall, export peak RSS; then medians (mawk has no asort)
  pairs=$(awk '$2 == "export" { e[$1] = $3; m[$1] = $6 } $2 == "copy" { c[$1] = $3 }
    END { for (k in e) if (k in c) printf "%.4f %s %s %s\n", c[k] / e[k], e[k], c[k], m[k] }' "$L")
  n=$(grep -c . <<<"$pairs")
  med() { cut -d' ' -f"$1" <<<"$pairs" | sort -n | sed -n "$(( (n + 1) / 2 ))p"; }
  if [ "$n" -gt 0 ]; then
    es=$(med 2); cs=$(med 3); rss=$(cut -d' ' -f4 <<<"$pairs" | sort -n | tail -1)
    rs="$(printf '%.2f' "$(med 1)")($(printf '%.2f' "$(cut -d' ' -f1 <<<"$pairs" | sort -n | head -1)")–$(printf '%.2f' "$(cut -d' ' -f1 <<<"$pairs" | sort -n | tail -1)"))"
  else n=""; fi
  rows_=$(grep -aoE 'ROWS=[0-9]+' "$L" | head -1 | cut -d= -f2)
  if [ -n "${n:-}" ]; then
    r=${rs%%(*}
    row "Training-data export ($rows_ tag sets, $n pairs)" "export-tags wall s, median (peak RSS $rss MiB)" "$es s" "$cs s (\`psql \\copy\` of the same function)" "**$r** (${rs#*(}" "≥ 0.4" "$(met "$r" '>=' 0.4)" "$(la export)"
  else status_row export "Training-data export"; fi
  unset n
fi

# ML
if [ -n "${RC[ml]:-}" ]; then
  L="$RESULTS/ml.log"
  # the CLI's console wraps its lines at 80 columns when redirected: read the log as one line
  J=$(tr '\n' ' ' <"$L")
  tr_=$(grep -aoE 'Training on [0-9,]+ train-split tag sets of [0-9,]+ [^:]*: +[0-9.]+ +s' <<<"$J" | tail -1)
  sl=$(grep -aoE 'MlNetSuggester, one caller, [0-9]+ sessions[^:]*: +p50 +[0-9.]+ +ms, +p95 +[0-9.]+ +ms, +p99 +[0-9.]+' <<<"$J" | tail -1)
  bl=$(grep -aoE 'Baseline, the same photos[^:]*: +p50 +[0-9.]+ +ms, +p95 +[0-9.]+ +ms, +p99 +[0-9.]+ +ms; +suggestion / baseline at p99: +[0-9.]+' <<<"$J" | tail -1)
  if [ -n "$sl" ] && [ -n "$bl" ]; then
    sp=$(num 'p99 +[0-9.]+' 1 <<<"$sl"); bp=$(num 'p99 +[0-9.]+' 1 <<<"$bl"); r=$(num 'at p99: +[0-9.]+' 1 <<<"$bl")
    row "ML suggestion latency ($(num '[0-9]+ sessions' 1 <<<"$sl") sessions)" "MlNetSuggester p99 per session" "$sp ms" "$bp ms (the photos' features alone)" "**$r**" "(none: measured)" "-" "$(la ml)"
    row "ML training time" "$(grep -oE 'of [0-9,]+' <<<"$tr_" | head -1 | cut -c4-) tag sets, LightGBM, 3 scores" "$(grep -oE '[0-9.]+ +s$' <<<"$tr_")" "no baseline" "-" "(none: measured)" "-" "$(la ml)"
  else status_row ml "ML training and suggestion latency"; fi
fi

# patient app
if [ -n "${RC[patient-app]:-}" ]; then
  L="$RESULTS/patient-app.log"
  cap=$(grep -aoE 'scripted capture and upload until ready: [0-9.]+ s' "$L" | tail -1 | grep -oE '[0-9.]+ s' | cut -d' ' -f1)
  big=$(grep -a '^bundle ' "$L" | head -1)
  if [ -n "$big" ]; then
    row "Patient app web bundle" "main chunk (the largest .js of the web export)" "$(awk '{printf "%.0f KB, gzip %.0f KB", $3/1000, $(NF-1)/1000}' <<<"$big")" "no baseline" "-" "(native < 50 MB: not buildable here)" "-" "$(la patient-app)"
  fi
  if [ -n "$cap" ]; then
    row "Patient app capture → ready (Playwright)" "scripted capture and upload until ready" "$cap s" "90 s target (no baseline)" "$(ratio "$cap" 90) of target" "< 90 s" "$(met "$cap" '<' 90)" "$(la patient-app)"
  else status_row patient-app "Patient app capture → ready"; fi
fi

{
  total=0; for k in "${!SECS[@]}"; do total=$((total + SECS[$k])); done
  echo "All benchmarks$([ "${TABLE_ONLY:-0}" = 1 ] && echo ' (table printed again from the logs of the run)'), $(date -u +%F), commit $(git rev-parse --short HEAD), $(nproc) cores, SCALE=$SCALE, benchmarks ran $total s$([ "${TABLE_ONLY:-0}" = 1 ] || echo ", script total $(( $(date +%s) - STARTED )) s")"
  echo
  echo "| benchmark | measure | candidate | baseline | ratio | target | met? | load average (1/5/15 min, before → after) |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Commands (from the repository root, .local/env exported):"
  for name in $ALL; do
    [[ " $ONLY " == *" $name "* ]] && [ -n "${RC[$name]:-}" ] && echo "- $name (${SECS[$name]:-0} s, exit ${RC[$name]}): \`$(sed -n '1,3s/^run-all: command: //p' "$RESULTS/$name.log" | sed "s#$RESULTS#\$RESULTS#g")\`"
  done
} | tee "$TABLE"
# exit status: 0 when every benchmark run here exited 0 (a target not met is in the table, not in the status)
for name in "${!RC[@]}"; do [ "${RC[$name]}" = 0 ] || exit 1; done
exit 0
