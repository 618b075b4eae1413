#!/usr/bin/env bash
# Export benchmark (issue 13, docs/performance.md "Training-data export"): 1,000,000 eligible tag sets, written by the
# API binary's `export-tags` (the tags.export job's code path: platform function -> DatasetWriter -> ZIP, CSV + JSONL, no
# images) side by side with `psql \copy` of the same function's columns to CSV. Prints rows/s and peak RSS of each.
#   tests/load/run-export-bench.sh            (uses ConnectionStrings__Owner / __App from the environment)
#   KEEP_DB=1 / REUSE_DB=1 / ROWS=1000000 / REPEATS=3 / CONFIG=Release / SKIP_BUILD=1 (use the last build of CONFIG)
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
cd "$REPO"
DB=orthoscan_export_bench
ROWS=${ROWS:-1000000}
REPEATS=${REPEATS:-3}
CONFIG=${CONFIG:-Release}
OUT=$(mktemp -d /var/tmp/orthoscan-export-bench.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

field() { sed -n "s/.*$1=\([^;]*\).*/\1/p" <<<"$2"; }
OWNER_CS=${ConnectionStrings__Owner:?source .local/env first}
APP_CS=${ConnectionStrings__App:?source .local/env first}
HOST=$(field Host "$OWNER_CS"); PORT=$(field Port "$OWNER_CS")
with_db() { sed "s/Database=[^;]*/Database=$DB/" <<<"$1"; }
psql_as() { # $1 = connection string, rest = psql args
  local cs=$1; shift
  PGPASSWORD=$(field Password "$cs") psql -X -q -v ON_ERROR_STOP=1 -h "$HOST" -p "$PORT" -U "$(field Username "$cs")" "$@"
}

[ "${SKIP_BUILD:-0}" = 1 ] || dotnet build src/OrthoScan.Api -c "$CONFIG" -nologo -v q >/dev/null
API=(dotnet "${API_DLL:-src/OrthoScan.Api/bin/$CONFIG/net10.0/linux-x64/OrthoScan.Api.dll}")

if [ "${REUSE_DB:-0}" != 1 ]; then
  psql_as "$OWNER_CS" -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB OWNER orthoscan_owner"
  ConnectionStrings__Owner=$(with_db "$OWNER_CS") "${API[@]}" migrate >/dev/null
  started=$(date +%s)
  # 20 practices sharing data (5 regions), 5,000 patients each with research consent (ages, treatments and brands drawn
  # at random), ROWS / 100,000 scans a patient a week apart, one review each with scores, detail tags, notes and an AI
  # outcome. Forced RLS filters the owner too: each practice is written inside its own tenant setting.
  psql_as "$(with_db "$OWNER_CS")" -d "$DB" <<SQL
DO \$\$
DECLARE p uuid; m uuid; u uuid; i int; per int := greatest($ROWS / 100000, 1);
BEGIN
  FOR i IN 1..20 LOOP
    p := gen_random_uuid(); u := gen_random_uuid(); m := gen_random_uuid();
    PERFORM set_config('app.practice_id', p::text, false);
    INSERT INTO practices (id, name, subscription_tier, tagging_rate, discount_percent, status, created_at, settings)
    VALUES (p, 'Bench practice ' || i, 'professional', 0, 0, 'active', now(),
            jsonb_build_object('Timezone', 'UTC', 'Country', (ARRAY['DE','FR','NL','AT','BE'])[1 + i % 5], 'Region', 'R' || (i % 3),
                               'ShareDeidentifiedData', true, 'ExternalAiProcessing', false, 'CustomDetailTags', '[]'::jsonb));
    INSERT INTO user_accounts (id, email, password_hash, mfa_enabled, last_totp_step, created_at)
    VALUES (u, 'bench' || i || '@bench.example', 'x', false, 0, now());
    INSERT INTO practice_members (id, practice_id, user_id, role, name, status, created_at)
    VALUES (m, p, u, 'doctor', 'Dr Bench ' || i, 'active', now());
    CREATE TEMP TABLE pts ON COMMIT DROP AS
      SELECT gen_random_uuid() AS id, g AS n FROM generate_series(1, 5000) g;
    INSERT INTO patients (id, practice_id, first_name, last_name, date_of_birth, treatment_type, aligner_brand, current_stage, total_stages,
                          scan_frequency, status, email, phone, timezone, preferred_language, research_consent, treatment_start_date, created_at, updated_at)
    SELECT id, p, 'First' || n, 'Last' || n, date '1960-01-01' + (random() * 20000)::int,
           (ARRAY['clear_aligners','clear_aligners','retainers','other'])[1 + n % 4], (ARRAY['Invisalign','Spark','ClearCorrect','uLab',NULL])[1 + n % 5],
           1, 40, 'weekly', 'active', 'p' || n || '@bench.example', '+4915100' || n, 'UTC', 'en', true, date '2025-01-01' + n % 200, now(), now()
    FROM pts;
    CREATE TEMP TABLE ses ON COMMIT DROP AS
      SELECT gen_random_uuid() AS id, pts.id AS patient_id, s AS k, timestamptz '2025-08-01' + (pts.n % 200) * interval '1 day' + s * interval '7 days' AS at
      FROM pts CROSS JOIN generate_series(1, per) s;
    INSERT INTO scan_sessions (id, practice_id, patient_id, aligner_number, idempotency_key, request_hash, status, submitted_at, processed_at,
                               reviewed_at, image_count, created_at)
    SELECT id, p, patient_id, k, id::text, '\x00'::bytea, 'reviewed', at, at, at + interval '5 hours', 5, at FROM ses;
    INSERT INTO tag_sets (id, practice_id, session_id, tagged_by, taxonomy_version, review_opened_at, tagged_at, overall_tracking, aligner_fit,
                          oral_hygiene, detail_tags, action_taken, notes, ai_suggested, ai_overridden, ai_outcomes)
    SELECT gen_random_uuid(), p, id, m, '2026.1', at + interval '5 hours', at + interval '5 hours 20 seconds', 1 + k % 3,
           CASE WHEN k % 7 = 0 THEN NULL ELSE 1 + k % 3 END, 1 + (k + 1) % 3,
           '[{"Code": "plaque", "Location": "upper"}]'::jsonb, 'approve_progression', 'Bench note', true, false,
           '[{"attribute": "overall_tracking", "suggested": "1", "chosen": "1", "confidence": 0.8, "model": "orthoscan-mlnet@1", "overridden": false}]'::jsonb
    FROM ses;
    DROP TABLE ses; DROP TABLE pts;
  END LOOP;
END \$\$;
VACUUM ANALYZE practices, patients, scan_sessions, tag_sets;
SQL
  echo "generated in $(( $(date +%s) - started )) s: $(psql_as "$(with_db "$OWNER_CS")" -d "$DB" -Atc "SELECT count(*) FROM tag_sets") tag sets"
fi

# /usr/bin/time: %e wall seconds, %U + %S the client's CPU seconds, %M its peak resident set in KiB. The machine is shared,
# so the server's own CPU (the function, the sort) is in both tools' wall time and in neither's CPU column.
timed() { /usr/bin/time -f "%e %U %S %M" -o "$OUT/time" "$@" >"$OUT/out" 2>"$OUT/err" || { cat "$OUT/err" >&2; exit 1; }; cat "$OUT/time"; }
echo "run  tool        seconds  rows/s   client CPU s  peak RSS MiB  output MiB"
for r in $(seq 1 "$REPEATS"); do
  for tool in export copy; do
    if [ "$tool" = export ]; then
      read -r secs user sys kib < <(ConnectionStrings__App=$(with_db "$APP_CS") ConnectionStrings__Owner=$(with_db "$OWNER_CS") \
        timed "${API[@]}" export-tags --out "$OUT/tags.zip" --seed 1 --k 5)
      size=$(stat -c %s "$OUT/tags.zip")
    else
      read -r secs user sys kib < <(PGPASSWORD=$(field Password "$APP_CS") timed psql -X -q -h "$HOST" -p "$PORT" -U "$(field Username "$APP_CS")" -d "$DB" \
        -c "\\copy (SELECT * FROM platform_export_tag_sets()) TO '$OUT/tags.csv' WITH (FORMAT csv, HEADER)")
      size=$(stat -c %s "$OUT/tags.csv")
    fi
    printf '%-4s %-10s %8s %8.0f %13.1f %13.0f %11.1f\n' "$r" "$tool" "$secs" "$(echo "$ROWS / $secs" | bc -l)" "$(echo "$user + $sys" | bc -l)" \
      "$(echo "$kib / 1024" | bc -l)" "$(echo "$size / 1048576" | bc -l)"
  done
done
[ "${KEEP_DB:-0}" = 1 ] || psql_as "$OWNER_CS" -d postgres -c "DROP DATABASE $DB"
