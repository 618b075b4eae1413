#!/usr/bin/env bash
# Fault scenario "notification providers down for 60 s" (make chaos): everything is delivered after recovery, none
# twice. Starts a throwaway database on the shared PostgreSQL, one API process (--role api) and one worker (--role
# worker) on loopback, Release, configured to send email, SMS and push to SendGrid, Twilio and FCM at FAKES_PORT, where
# the driver (tests/load/OrthoScan.Load chaos-notify) hosts fakes of the three that record every request. The driver
# produces notifications through the public API, one unit every EVERY_MS (a patient invited by email; one invited by
# SMS; an activated patient with a push token written to by the doctor: SendGrid, Twilio, FCM in turn), each request
# sent once and its answer recorded; after BEFORE seconds the fakes answer 503 for the first half of OUTAGE seconds and
# refuse connections for the second half (FAULT=mixed; or 503, refuse), then recover; production goes on AFTER seconds
# more; then the driver waits until every acknowledged trigger was accepted by its provider (at most SETTLE seconds)
# and GRACE seconds more for late duplicates. Checks (driver's file + SQL): every acknowledged trigger recorded one
# notification, none that nothing caused; every notification sent (none queued, failed, skipped), no delivery job
# queued, running or dead; each accepted exactly once by its provider (matched by the idempotency key our transport
# sends, which is the notification id, for SendGrid and Twilio; by the push token for FCM, which has no key), with the
# notification's recipient; no accepted delivery of an unknown notification; the API answered 2xx to every driver
# request; the outage really refused deliveries and notifications were queued during it; the processes never exited.
# Last line: "chaos notify-outage: PASS (...)" or "FAIL (...)", exit 0 or 1 (2: the harness could not run).
# Expects the shared PostgreSQL and Redis up (make services).
#   BEFORE / OUTAGE / AFTER  seconds (default 10 / 60 / 20)
#   SETTLE       seconds to wait, after the production, for every delivery (default 150); GRACE after that (default 5)
#   EVERY_MS     one unit (one notification) every this many ms (default 1000)
#   FAULT        mixed (default: 503, then connections refused) | 503 | refuse
#   PORT         API port (default 5397); the worker's health port is PORT+1
#   FAKES_PORT   the fake providers' port (default PORT+2)
#   RESULTS      notify.json, db.json and logs go to RESULTS/notify-outage (default .local/chaos-results)
# Smoke: BEFORE=2 OUTAGE=5 AFTER=3 bash tests/chaos/notify-outage.sh
set -uo pipefail

NAME=notify-outage
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
ENV_FILE="${ENV_FILE:-$REPO/.local/env}"
BEFORE="${BEFORE:-10}" OUTAGE="${OUTAGE:-60}" AFTER="${AFTER:-20}"
SETTLE="${SETTLE:-150}" GRACE="${GRACE:-5}" EVERY_MS="${EVERY_MS:-1000}" FAULT="${FAULT:-mixed}"
PORT="${PORT:-5397}"
FAKES_PORT="${FAKES_PORT:-$((PORT + 2))}"
RESULTS="${RESULTS:-$REPO/.local/chaos-results}/notify-outage"
mkdir -p "$RESULTS"
OUT="$RESULTS/notify.json"; DBJSON="$RESULTS/db.json"; rm -f "$OUT" "$DBJSON"
# shellcheck source=tests/chaos/chaos-lib.sh
source "$REPO/tests/chaos/chaos-lib.sh"
# shellcheck disable=SC1090
source "$ENV_FILE" || fail "cannot source $ENV_FILE"
for p in "$PORT" "$((PORT + 1))" "$FAKES_PORT"; do
  (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && fail "port $p is already in use"
done

chaos_shared_db
trap chaos_cleanup EXIT
trap 'exit 130' INT TERM

chaos_build
chaos_create_shared_db
outage_env_common
# The three providers, at the driver's fakes (test credentials; the FCM service account's key is made for this run).
FAKES="http://127.0.0.1:$FAKES_PORT"
export OrthoScan__Notifications__SendGrid__ApiKey=SG.chaos-test-key OrthoScan__Notifications__SendGrid__ApiBase="$FAKES"
export OrthoScan__Notifications__SendGrid__From=care@orthoscan.test
export OrthoScan__Notifications__Twilio__AccountSid=AC00000000000000000000000000000017 OrthoScan__Notifications__Twilio__AuthToken=chaos-test-token
export OrthoScan__Notifications__Twilio__From=+15005550006 OrthoScan__Notifications__Twilio__ApiBase="$FAKES"
export OrthoScan__Notifications__Fcm__ClientEmail=push@orthoscan-chaos.iam.gserviceaccount.com OrthoScan__Notifications__Fcm__ProjectId=orthoscan-chaos
export OrthoScan__Notifications__Fcm__TokenUri="$FAKES/token" OrthoScan__Notifications__Fcm__ApiBase="$FAKES"
export OrthoScan__Notifications__Fcm__PrivateKeyPem; OrthoScan__Notifications__Fcm__PrivateKeyPem="$(openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null)"
[ -n "$OrthoScan__Notifications__Fcm__PrivateKeyPem" ] || fail "openssl could not make the FCM service account's key"
outage_migrate
outage_start_app

log "$(nproc) cores, API :$PORT, worker :$((PORT + 1)), fake providers :$FAKES_PORT, db $DB; ${BEFORE} s up, ${OUTAGE} s down ($FAULT), ${AFTER} s up, settle at most ${SETTLE} s"
START_MS="$(now_ms)"
dotnet "$DRIVER" chaos-notify --base "http://127.0.0.1:$PORT" --fakes-port "$FAKES_PORT" --before "$BEFORE" --outage "$OUTAGE" \
  --after "$AFTER" --settle "$SETTLE" --grace "$GRACE" --every-ms "$EVERY_MS" --fault "$FAULT" --out "$OUT" >"$RESULTS/driver.log" 2>&1 &
driver_pid=$!
while kill -0 "$driver_pid" 2>/dev/null; do sleep 1; outage_check_alive; done
wait "$driver_pid"; rc=$?; driver_pid=""
cat "$RESULTS/driver.log"
[ "$rc" = 0 ] && [ -s "$OUT" ] || fail "driver exit $rc, no $OUT (see $RESULTS/driver.log)"
ELAPSED_S=$(( ($(now_ms) - START_MS) / 1000 ))

# The outbox as the database has it. notifications is under FORCED row-level security: enter each practice of the run in
# turn (app.practice_id, as the app does) and copy its rows into a temporary table; jobs is not tenant data.
{
  echo "BEGIN;"
  echo "CREATE TEMP TABLE chaos_notifications ON COMMIT DROP AS SELECT * FROM notifications WITH NO DATA;"
  for p in $(jq -r '.practices[]' "$OUT"); do
    echo "SELECT set_config('app.practice_id', '$p', true) \\g /dev/null"
    echo "INSERT INTO chaos_notifications SELECT * FROM notifications WHERE practice_id = '$p';"
  done
  cat <<'SQL'
SELECT json_build_object(
  'notifications', (SELECT coalesce(json_agg(json_build_object('id', n.id, 'channel', lower(n.channel), 'recipient', n.recipient,
      'status', lower(n.status), 'template', n.template, 'provider', n.provider, 'lastError', n.last_error,
      'created', (extract(epoch FROM n.created_at) * 1000)::bigint, 'sent', (extract(epoch FROM n.sent_at) * 1000)::bigint)), '[]')
    FROM chaos_notifications n),
  'jobs', (SELECT coalesce(json_agg(json_build_object('id', j.id, 'status', j.status, 'attempts', j.attempts, 'maxAttempts', j.max_attempts,
      'lastError', j.last_error, 'notificationId', j.payload->>'notificationId')), '[]')
    FROM jobs j WHERE j.kind = 'notifications.deliver'));
COMMIT;
SQL
} | psql_db >"$DBJSON" || fail "reading the outbox failed"
[ "$(jq '.notifications | length' "$DBJSON")" -gt 0 ] || [ "$(jq '.expected | length' "$OUT")" = 0 ] \
  || fail "no notification visible in the database (row-level security?); see $DBJSON"

# One jq program over both files; each check: name|bad|detail.
rows="$(jq -r --slurpfile db "$DBJSON" '
  ($db[0]) as $d | .expected as $e | .hits as $h | .upMs as $up | .downMs as $down |
  ($d.notifications) as $n |
  ($h | map(select(.status >= 200 and .status < 300 and (.provider == "sendgrid" or .provider == "twilio" or .provider == "fcm")))) as $ok |
  def ids(xs): xs | .[0:5] | join(" ");
  def row(name; bad; detail): "\(name)|\(bad)|\(detail | gsub("[\r\n]+"; " "))";
  ($e | map(. as $x | {x: $x, n: ($n | map(select(.recipient == $x.recipient)) | length)}) | map(select(.n != 1))) as $notone |
  ($n | map(. as $y | select(($e | map(.recipient) | index($y.recipient)) == null))) as $uncaused |
  ($n | map(select(.status != "sent"))) as $unsent |
  ($d.jobs | map(select(.status != "succeeded"))) as $badjobs |
  ($n | map(. as $y | select(($d.jobs | map(select(.notificationId == $y.id)) | length) != 1))) as $nojob |
  ($n | map(. as $y | {y: $y, acc: ($ok | map(select(if $y.channel == "push" then .provider == "fcm" and .recipient == $y.recipient else .key == $y.id end)))})) as $per |
  ($per | map(select((.acc | length) == 0))) as $missing |
  ($per | map(select((.acc | length) > 1))) as $twice |
  ($per | map(select((.acc | length) >= 1 and ((.acc | map(.recipient) | unique) != [.y.recipient])))) as $wrongto |
  ($ok | map(. as $k | select(if $k.provider == "fcm" then ($n | map(.recipient) | index($k.recipient)) == null else ($n | map(.id) | index($k.key)) == null end))) as $unknown |
  (.events | map(select(.status < 200 or .status >= 300))) as $badreq |
  ($h | map(select(.t >= $down and .t < $up and (.provider == "sendgrid" or .provider == "twilio" or .provider == "fcm")))) as $during |
  ($n | map(select(.created >= $down and .created < $up))) as $queuedDuring |
  ($ok | map(select(.t >= $down and .t < $up))) as $okDuring |
  row("every acknowledged trigger recorded one notification"; $notone | length; "\($e | length) triggers" + (if ($notone | length) > 0 then "; " + ($notone | map("\(.x.channel) \(.x.recipient) x\(.n)") | .[0:5] | join(", ")) else "" end)),
  row("no notification that no trigger caused"; $uncaused | length; ($uncaused | map("\(.template) \(.channel) \(.recipient)") | .[0:5] | join(", "))),
  row("every notification sent (none queued, failed or skipped)"; $unsent | length; ($unsent | map("\(.id) \(.status) \(.lastError // "" | .[0:200])") | .[0:5] | join(" // "))),
  row("no delivery job left queued, running or dead"; $badjobs | length; ($badjobs | map("\(.id) \(.status) after \(.attempts) attempts: \(.lastError // "" | .[0:200])") | .[0:5] | join(" // "))),
  row("one delivery job per notification"; $nojob | length; ($nojob | map(.id) | .[0:5] | join(" "))),
  row("every notification accepted by its provider"; $missing | length; ($missing | map("\(.y.channel) \(.y.id)") | .[0:5] | join(", "))),
  row("none accepted twice"; $twice | length; ($twice | map("\(.y.channel) \(.y.id) x\(.acc | length)") | .[0:5] | join(", "))),
  row("each accepted delivery went to its notification'"'"'s recipient"; $wrongto | length; ($wrongto | map(.y.id) | .[0:5] | join(" "))),
  row("no accepted delivery of an unknown notification"; $unknown | length; ($unknown | map("\(.provider) \(.key // .recipient)") | .[0:5] | join(", "))),
  row("the API answered 2xx to every driver request"; $badreq | length; "\(.events | length) requests" + (if ($badreq | length) > 0 then "; " + ($badreq | map("\(.op) \(.status) \(.body // "" | .[0:200])") | .[0:3] | join(" // ")) else "" end)),
  row("nothing accepted during the outage"; $okDuring | length; ""),
  row("deliveries failed during the outage and were retried"; (if ($d.jobs | map(select(.attempts > 1)) | length) > 0 then 0 else 1 end); "\($d.jobs | map(select(.attempts > 1)) | length) jobs retried; \($during | length) provider requests answered 503 (refused connections never reach the fakes)"),
  row("notifications were queued during the outage"; (if ($queuedDuring | length) > 0 then 0 else 1 end); "\($queuedDuring | length) of \($n | length)"),
  row("info: notifications by channel"; 0; ($n | group_by(.channel) | map("\(.[0].channel) \(length)") | join(", "))),
  row("info: delivery attempts per job"; 0; ($d.jobs | group_by(.attempts) | map("\(.[0].attempts) attempt(s): \(length)") | join(", "))),
  row("info: last delivery after recovery"; 0; "\((($ok | map(.t) | max // $up) - $up)) ms; driver settled: \(.settled)")
' "$OUT")" || fail "the verdict over $OUT and $DBJSON failed"

SUMMARY="$(jq -r --slurpfile db "$DBJSON" '
  ($db[0].notifications) as $n |
  (.hits | map(select(.status >= 200 and .status < 300 and (.provider == "sendgrid" or .provider == "twilio" or .provider == "fcm")))) as $ok |
  "\($n | length) notifications (\($n | group_by(.channel) | map("\(length) \(.[0].channel)") | join(", "))), \($ok | length) deliveries accepted, providers down \((.upMs - .downMs) / 1000 | floor) s (\(.fault)), \(.hits | map(select(.status == 503)) | length) answered 503, last accepted \((($ok | map(.t) | max // .upMs) - .upMs) / 1000) s after recovery, \(.events | length) API requests"
' "$OUT")"
outage_verdict "$SUMMARY, ${ELAPSED_S} s"
