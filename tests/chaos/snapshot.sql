-- Verdict helpers for tests/chaos/kill-api.sh, run as the owner role in the throwaway database (dropped afterwards).
-- scan_sessions and scan_images are under FORCED row-level security, even for their owner: the snapshot enters each
-- practice of the run in turn (app.practice_id, as the app does) and copies its rows into plain tables the checks read.
-- The WHERE is not redundant: a role that is a member of orthoscan_platform (the owner here is) reads every practice.

CREATE TABLE IF NOT EXISTS chaos_acks (
    practice_id uuid NOT NULL, patient_id uuid, session_id uuid, idempotency_key text NOT NULL,
    created boolean NOT NULL, submitted boolean NOT NULL
);
CREATE TABLE IF NOT EXISTS chaos_practices (id uuid PRIMARY KEY);

CREATE OR REPLACE FUNCTION chaos_snapshot() RETURNS void LANGUAGE plpgsql AS $$
DECLARE p uuid;
BEGIN
    DROP TABLE IF EXISTS chaos_sessions;
    DROP TABLE IF EXISTS chaos_images;
    CREATE TABLE chaos_sessions AS SELECT * FROM scan_sessions WITH NO DATA;
    CREATE TABLE chaos_images AS SELECT * FROM scan_images WITH NO DATA;
    FOR p IN SELECT id FROM chaos_practices LOOP
        PERFORM set_config('app.practice_id', p::text, true);
        INSERT INTO chaos_sessions SELECT * FROM scan_sessions WHERE practice_id = p;
        INSERT INTO chaos_images SELECT * FROM scan_images WHERE practice_id = p;
    END LOOP;
    PERFORM set_config('app.practice_id', '', true);
END $$;
