-- The checks of tests/chaos/kill-api.sh, on the tables snapshot.sql filled (chaos_snapshot() already called).
-- One line per check: name|bad rows|detail. A check passes when its bad rows are 0; 'info' lines never fail.
\pset format unaligned
\pset tuples_only on
\pset fieldsep '|'

-- Every session the API acknowledged exists exactly once, for its patient and with the key the driver kept.
SELECT 'acked session exists once with its key', count(*), coalesce(string_agg(a.session_id::text, ' '), '')
FROM chaos_acks a
WHERE a.created AND (SELECT count(*) FROM chaos_sessions s
                     WHERE s.id = a.session_id AND s.patient_id = a.patient_id AND s.idempotency_key = a.idempotency_key) <> 1;

SELECT 'no two sessions for one idempotency key', count(*), coalesce(string_agg(patient_id || ':' || idempotency_key, ' '), '')
FROM (SELECT patient_id, idempotency_key FROM chaos_sessions GROUP BY 1, 2 HAVING count(*) > 1) d;

-- Each simulated patient sends one scan: a second session for a patient means a retry was not recognised.
SELECT 'one session per patient', count(*), coalesce(string_agg(patient_id || ' x' || n, ' '), '')
FROM (SELECT patient_id, count(*) AS n FROM chaos_sessions GROUP BY 1 HAVING count(*) > 1) d;

-- Every submitted session settled: ready or needs_retake, never left processing (or pending).
SELECT 'submitted session settled', count(*), coalesce(string_agg(s.id || '=' || s.status, ' '), '')
FROM chaos_acks a JOIN chaos_sessions s ON s.id = a.session_id
WHERE a.submitted AND s.status NOT IN ('ready', 'needs_retake');

-- No processing job still queued or running for an acknowledged session.
SELECT 'no live job left', count(*), coalesce(string_agg(j.id || '=' || j.status, ' '), '')
FROM jobs j JOIN chaos_acks a ON j.payload->>'sessionId' = a.session_id::text
WHERE j.kind = 'scans.process-session' AND j.status IN ('queued', 'running');

-- A dead job must have settled its scan (the dead letter's GiveUpAsync).
SELECT 'no dead job with its session unsettled', count(*), coalesce(string_agg(j.id || ' session ' || (j.payload->>'sessionId'), ' '), '')
FROM jobs j
WHERE j.kind = 'scans.process-session' AND j.status = 'dead'
  AND NOT EXISTS (SELECT 1 FROM chaos_sessions s WHERE s.id::text = j.payload->>'sessionId' AND s.status IN ('ready', 'needs_retake'));

-- Information: how the scans ended, and how the job queue got there.
SELECT 'info: submitted sessions by status', coalesce(sum(n), 0), coalesce(string_agg(status || '=' || n, ' '), '')
FROM (SELECT s.status, count(*) AS n FROM chaos_acks a JOIN chaos_sessions s ON s.id = a.session_id WHERE a.submitted GROUP BY 1 ORDER BY 1) d;

SELECT 'info: views given up (processing_failed)', count(*), coalesce(string_agg(DISTINCT session_id::text, ' '), '')
FROM chaos_images WHERE 'processing_failed' = ANY (retake_reasons);

SELECT 'info: other retake reasons', coalesce(sum(n), 0), coalesce(string_agg(r || '=' || n, ' '), '')
FROM (SELECT r, count(*) AS n FROM chaos_images, unnest(retake_reasons) r WHERE r <> 'processing_failed' GROUP BY 1) d;

SELECT 'info: process jobs by status', coalesce(sum(n), 0), coalesce(string_agg(status || coalesce('/' || dead_reason, '') || '=' || n, ' '), '')
FROM (SELECT status, dead_reason, count(*) AS n FROM jobs WHERE kind = 'scans.process-session' GROUP BY 1, 2 ORDER BY 1, 2) d;

SELECT 'info: process jobs run more than once', count(*), coalesce(max(attempts)::text, '-') || ' attempts at most'
FROM jobs WHERE kind = 'scans.process-session' AND attempts > 1;

SELECT 'info: sessions with more than one process job', count(*), coalesce(string_agg(sid || ' x' || n, ' '), '')
FROM (SELECT payload->>'sessionId' AS sid, count(*) AS n FROM jobs WHERE kind = 'scans.process-session' GROUP BY 1 HAVING count(*) > 1) d;

SELECT 'info: sessions not acknowledged to the driver', count(*), coalesce(string_agg(s.id || '=' || s.status, ' '), '')
FROM chaos_sessions s WHERE NOT EXISTS (SELECT 1 FROM chaos_acks a WHERE a.session_id = s.id);
