using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrthoScan.Api.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// Training-data exports (issue 13): the platform's <c>tag_exports</c> table (no practice_id; like the platform audit
    /// chain, only a session outside every practice may read or write it, and never delete), and the export's read path on
    /// the platform role of ADR 0009: two SECURITY DEFINER functions it owns, over the tables it already reads (practices,
    /// patients, scan_sessions, tag_sets), so no new grant or policy. They answer only eligible data: practices sharing
    /// de-identified data, patients with research consent who are not archived. No name, contact, date of birth (an age
    /// band), note, address, calendar date (days relative to the treatment start or first scan) or free text leaves them;
    /// the original ids do, for the export worker to group rows by, and the dataset writer replaces them.
    /// </summary>
    public partial class TagExports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "tag_exports",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    requested_by = table.Column<Guid>(type: "uuid", nullable: false),
                    idempotency_key = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    request_hash = table.Column<byte[]>(type: "bytea", nullable: true),
                    include_images = table.Column<bool>(type: "boolean", nullable: false),
                    include_frontal = table.Column<bool>(type: "boolean", nullable: false),
                    seed = table.Column<int>(type: "integer", nullable: false),
                    k = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    tag_sets_total = table.Column<long>(type: "bigint", nullable: true),
                    tag_sets_written = table.Column<long>(type: "bigint", nullable: false),
                    images_written = table.Column<long>(type: "bigint", nullable: false),
                    report = table.Column<string>(type: "jsonb", nullable: true),
                    blob_key = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    size_bytes = table.Column<long>(type: "bigint", nullable: true),
                    error = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    started_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    completed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tag_exports", x => x.id);
                    table.CheckConstraint("ck_tag_exports_k", "k BETWEEN 5 AND 50");
                });

            migrationBuilder.CreateIndex(
                name: "ix_tag_exports_created_at_id",
                table: "tag_exports",
                columns: new[] { "created_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_tag_exports_requested_by_idempotency_key",
                table: "tag_exports",
                columns: new[] { "requested_by", "idempotency_key" },
                unique: true,
                filter: "idempotency_key IS NOT NULL");

            migrationBuilder.Sql("""
                ALTER TABLE tag_exports ADD CONSTRAINT ck_tag_exports_status CHECK (status IN ('queued', 'running', 'completed', 'failed'));
                REVOKE ALL ON tag_exports FROM orthoscan_app;
                GRANT SELECT, INSERT, UPDATE ON tag_exports TO orthoscan_app;
                ALTER TABLE tag_exports ENABLE ROW LEVEL SECURITY;
                CREATE POLICY outside_practices_read ON tag_exports FOR SELECT USING (app_practice_id() IS NULL);
                CREATE POLICY outside_practices_insert ON tag_exports FOR INSERT WITH CHECK (app_practice_id() IS NULL);
                CREATE POLICY outside_practices_update ON tag_exports FOR UPDATE USING (app_practice_id() IS NULL) WITH CHECK (app_practice_id() IS NULL);
                """);

            migrationBuilder.Sql($$"""
                {{PlatformReadSql.RequireRole}}

                -- Each eligible patient once, as quasi-identifiers: the age band as Domain/AgeBand computes it (whole years
                -- today), treatment type and aligner brand as stored, and the practice's "{country}-{region}".
                CREATE FUNCTION platform_export_patients()
                RETURNS TABLE (patient_id uuid, practice_id uuid, treatment_start_date date, total_stages integer,
                               age_band text, treatment_type text, aligner_brand text, practice_region text)
                LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
                  SELECT pt.id, pt.practice_id, pt.treatment_start_date, pt.total_stages,
                         CASE WHEN a.years < 12 THEN 'under_12' WHEN a.years < 18 THEN '12_17' WHEN a.years < 30 THEN '18_29'
                              WHEN a.years < 45 THEN '30_44' ELSE '45_plus' END,
                         pt.treatment_type::text,
                         coalesce(nullif(btrim(pt.aligner_brand), ''), 'unknown'),
                         CASE WHEN nullif(btrim(pr.settings ->> 'Country'), '') IS NULL THEN 'unknown'
                              ELSE upper(btrim(pr.settings ->> 'Country')) || '-' || coalesce(nullif(btrim(pr.settings ->> 'Region'), ''), 'unknown') END
                  FROM patients pt
                  JOIN practices pr ON pr.id = pt.practice_id
                  CROSS JOIN LATERAL (SELECT extract(year FROM age(current_date, pt.date_of_birth))::int AS years) a
                  WHERE pr.settings @> '{"ShareDeidentifiedData": true}' AND pt.research_consent AND pt.status <> 'archived'
                $fn$;

                -- (a) How many eligible patients, with at least one tagged scan, share each combination of quasi-identifiers,
                -- and their tag sets (for progress): what k-anonymity is planned on.
                CREATE FUNCTION {{PlatformReadSql.ExportQuasiIdentifiers}}()
                RETURNS TABLE (age_band text, treatment_type text, aligner_brand text, practice_region text, patients bigint, tag_sets bigint)
                LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
                  SELECT e.age_band, e.treatment_type, e.aligner_brand, e.practice_region, count(DISTINCT e.patient_id), count(t.id)
                  FROM platform_export_patients() e
                  JOIN scan_sessions s ON s.patient_id = e.patient_id AND s.submitted_at IS NOT NULL
                  JOIN tag_sets t ON t.session_id = s.id
                  GROUP BY 1, 2, 3, 4
                  ORDER BY 1, 2, 3, 4
                $fn$;

                -- (b) Every tag set of an eligible patient's submitted scan, ordered by patient, scan and review. Days count
                -- from the treatment start (else the first scan) to the scan's receipt (UTC days), and from the scan before;
                -- the previous scores are the first review of the previous reviewed scan; the AI suggestions are those the
                -- reviewer saw (the tag set's ai_outcomes: attribute, suggested value, confidence, model).
                CREATE FUNCTION {{PlatformReadSql.ExportTagSets}}()
                RETURNS TABLE (patient_id uuid, practice_id uuid, session_id uuid,
                               age_band text, treatment_type text, aligner_brand text, practice_region text,
                               days_since_treatment_start integer, days_since_last_scan integer, stage integer, total_stages integer,
                               review_order integer, tag_sets_in_session integer,
                               overall_tracking text, aligner_fit text, oral_hygiene text, detail_tags text[], action text,
                               prev_overall_tracking text, prev_aligner_fit text, prev_oral_hygiene text,
                               ai_attributes text[], ai_values text[], ai_confidences real[], ai_models text[], taxonomy_version text)
                LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
                  WITH patient AS (SELECT * FROM platform_export_patients()),
                  scan AS (
                    SELECT s.id, s.patient_id, s.submitted_at, s.aligner_number, (s.submitted_at AT TIME ZONE 'UTC')::date AS day,
                           lag((s.submitted_at AT TIME ZONE 'UTC')::date) OVER (PARTITION BY s.patient_id ORDER BY s.submitted_at, s.id) AS prev_day,
                           min((s.submitted_at AT TIME ZONE 'UTC')::date) OVER (PARTITION BY s.patient_id) AS first_day
                    FROM scan_sessions s JOIN patient p ON p.patient_id = s.patient_id
                    WHERE s.submitted_at IS NOT NULL),
                  first_review AS (
                    SELECT DISTINCT ON (t.session_id) t.session_id, t.overall_tracking, t.aligner_fit, t.oral_hygiene
                    FROM tag_sets t JOIN scan ON scan.id = t.session_id
                    ORDER BY t.session_id, t.tagged_at, t.id),
                  reviewed AS (
                    SELECT scan.*,
                           lag(f.overall_tracking) OVER w AS prev_tracking, lag(f.aligner_fit) OVER w AS prev_fit,
                           lag(f.oral_hygiene) OVER w AS prev_hygiene, lag(f.session_id) OVER w AS prev_session
                    FROM scan JOIN first_review f ON f.session_id = scan.id
                    WINDOW w AS (PARTITION BY scan.patient_id ORDER BY scan.submitted_at, scan.id))
                  SELECT p.patient_id, p.practice_id, r.id,
                         p.age_band, p.treatment_type, p.aligner_brand, p.practice_region,
                         r.day - coalesce(p.treatment_start_date, r.first_day), r.day - r.prev_day, r.aligner_number, p.total_stages,
                         row_number() OVER (PARTITION BY r.id ORDER BY t.tagged_at, t.id)::int,
                         count(*) OVER (PARTITION BY r.id)::int,
                         t.overall_tracking::text, coalesce(t.aligner_fit::text, 'not_applicable'), t.oral_hygiene::text,
                         ARRAY(SELECT (d ->> 'Code') || coalesce('@' || (d ->> 'Location'), '')
                               FROM jsonb_array_elements(CASE jsonb_typeof(t.detail_tags) WHEN 'array' THEN t.detail_tags ELSE '[]' END) d
                               WHERE d ->> 'Code' IS NOT NULL),
                         t.action_taken::text,
                         r.prev_tracking::text,
                         CASE WHEN r.prev_session IS NULL THEN NULL ELSE coalesce(r.prev_fit::text, 'not_applicable') END,
                         r.prev_hygiene::text,
                         ai.attributes, ai.suggested, ai.confidences, ai.models,
                         t.taxonomy_version::text
                  FROM reviewed r
                  JOIN patient p ON p.patient_id = r.patient_id
                  JOIN tag_sets t ON t.session_id = r.id
                  CROSS JOIN LATERAL (
                    SELECT coalesce(array_agg(o ->> 'attribute'), '{}') AS attributes, coalesce(array_agg(o ->> 'suggested'), '{}') AS suggested,
                           coalesce(array_agg((o ->> 'confidence')::real), '{}') AS confidences, coalesce(array_agg(o ->> 'model'), '{}') AS models
                    FROM jsonb_array_elements(CASE jsonb_typeof(t.ai_outcomes) WHEN 'array' THEN t.ai_outcomes ELSE '[]' END) o) ai
                  ORDER BY p.patient_id, r.submitted_at, r.id, t.tagged_at, t.id
                $fn$;

                -- As in PlatformReadPath: the platform role may create in the schema for the hand-over only.
                GRANT CREATE ON SCHEMA public TO {{PlatformReadSql.PlatformRole}};
                ALTER FUNCTION platform_export_patients() OWNER TO {{PlatformReadSql.PlatformRole}};
                ALTER FUNCTION {{PlatformReadSql.ExportQuasiIdentifiers}}() OWNER TO {{PlatformReadSql.PlatformRole}};
                ALTER FUNCTION {{PlatformReadSql.ExportTagSets}}() OWNER TO {{PlatformReadSql.PlatformRole}};
                REVOKE CREATE ON SCHEMA public FROM {{PlatformReadSql.PlatformRole}};
                -- The patients helper is the functions' own: nobody else may call it.
                REVOKE ALL ON FUNCTION platform_export_patients() FROM PUBLIC;
                REVOKE ALL ON FUNCTION {{PlatformReadSql.ExportQuasiIdentifiers}}() FROM PUBLIC;
                REVOKE ALL ON FUNCTION {{PlatformReadSql.ExportTagSets}}() FROM PUBLIC;
                GRANT EXECUTE ON FUNCTION {{PlatformReadSql.ExportQuasiIdentifiers}}() TO {{TenantIsolationSql.AppRole}};
                GRANT EXECUTE ON FUNCTION {{PlatformReadSql.ExportTagSets}}() TO {{TenantIsolationSql.AppRole}};
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"""
                DROP FUNCTION {PlatformReadSql.ExportTagSets}();
                DROP FUNCTION {PlatformReadSql.ExportQuasiIdentifiers}();
                DROP FUNCTION platform_export_patients();
                """);
            migrationBuilder.DropTable(
                name: "tag_exports");
        }
    }
}
