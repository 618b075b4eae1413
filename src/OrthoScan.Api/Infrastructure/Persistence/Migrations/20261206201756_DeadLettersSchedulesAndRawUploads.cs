using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrthoScan.Api.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// Dead letters, recurring work and the raw-upload ledger (ADR 0005, ADR 0006). jobs: why a job died
    /// (dead_reason) and the type of its last exception, with an index for the owner's dead list (by the practice its
    /// payload names) and one for the live jobs of a scan. scheduled_runs: one row per (schedule, period), the unique key
    /// that makes N instances enqueue a period once. raw_uploads: every upload key issued, swept when old enough. Neither
    /// new table is tenant data (no practice column, no row-level security); both hold ids only.
    /// </summary>
    public partial class DeadLettersSchedulesAndRawUploads : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "dead_reason",
                table: "jobs",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "last_error_type",
                table: "jobs",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "raw_uploads",
                columns: table => new
                {
                    key = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    image_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_raw_uploads", x => x.key);
                });

            migrationBuilder.CreateTable(
                name: "scheduled_runs",
                columns: table => new
                {
                    name = table.Column<string>(type: "text", nullable: false),
                    period_key = table.Column<string>(type: "text", nullable: false),
                    job_id = table.Column<Guid>(type: "uuid", nullable: false),
                    enqueued_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_scheduled_runs", x => new { x.name, x.period_key });
                });

            migrationBuilder.AddCheckConstraint(
                name: "ck_jobs_dead_reason",
                table: "jobs",
                sql: "dead_reason IN ('failed', 'abandoned', 'unreadable_payload')");

            migrationBuilder.CreateIndex(
                name: "ix_raw_uploads_created_at",
                table: "raw_uploads",
                column: "created_at");

            migrationBuilder.Sql($"""
                CREATE INDEX ix_jobs_dead_by_practice ON jobs ((payload->>'practiceId'), completed_at DESC, id DESC) WHERE status = 'dead';
                CREATE INDEX ix_jobs_live_by_session ON jobs (kind, (payload->>'sessionId')) WHERE status IN ('queued', 'running');
                CREATE INDEX ix_jobs_kind_created_at ON jobs (kind, created_at);
                GRANT SELECT, INSERT ON scheduled_runs TO {TenantIsolationSql.AppRole};
                GRANT SELECT, INSERT, DELETE ON raw_uploads TO {TenantIsolationSql.AppRole};
                """);

            // Uploads issued before the ledger existed. Row-level security binds the owner too (FORCE): lifted for this
            // one statement, inside the migration's transaction, so no other session ever sees it lifted.
            migrationBuilder.Sql("""
                ALTER TABLE scan_images NO FORCE ROW LEVEL SECURITY;
                INSERT INTO raw_uploads (key, image_id, created_at)
                    SELECT upload_key, id, created_at FROM scan_images WHERE upload_key IS NOT NULL ON CONFLICT DO NOTHING;
                ALTER TABLE scan_images FORCE ROW LEVEL SECURITY;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP INDEX IF EXISTS ix_jobs_dead_by_practice;
                DROP INDEX IF EXISTS ix_jobs_live_by_session;
                DROP INDEX IF EXISTS ix_jobs_kind_created_at;
                """);

            migrationBuilder.DropTable(
                name: "raw_uploads");

            migrationBuilder.DropTable(
                name: "scheduled_runs");

            migrationBuilder.DropCheckConstraint(
                name: "ck_jobs_dead_reason",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "dead_reason",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "last_error_type",
                table: "jobs");
        }
    }
}
