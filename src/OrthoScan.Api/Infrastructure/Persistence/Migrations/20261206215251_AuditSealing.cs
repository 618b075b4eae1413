using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrthoScan.Api.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// The audit chain leaves the request path. audit_log keeps the rows as requests write them (no seq, no hashes), a
    /// trigger queues the new rows of each INSERT in audit_seal_queue, and the sealer (worker role) appends the chain links to
    /// audit_seals. Both audit tables stay append-only for the app role under forced RLS; the queue is a work queue
    /// outside RLS, like jobs (ADR 0007). The existing chain moves to audit_seals unchanged, so it still verifies.
    /// </summary>
    public partial class AuditSealing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_seals",
                columns: table => new
                {
                    practice_id = table.Column<Guid>(type: "uuid", nullable: false),
                    seq = table.Column<long>(type: "bigint", nullable: false),
                    audit_id = table.Column<long>(type: "bigint", nullable: false),
                    prev_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    sealed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_seals", x => new { x.practice_id, x.seq });
                });

            // The owner is bound by FORCE like everyone else: lift it for the copy, inside this migration's transaction.
            migrationBuilder.Sql("""
                ALTER TABLE audit_log NO FORCE ROW LEVEL SECURITY;
                INSERT INTO audit_seals (practice_id, seq, audit_id, prev_hash, hash, sealed_at)
                    SELECT practice_id, seq, id, prev_hash, hash, occurred_at FROM audit_log;
                ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
                """);

            migrationBuilder.DropIndex(
                name: "ix_audit_log_practice_id_seq",
                table: "audit_log");

            migrationBuilder.DropColumn(
                name: "hash",
                table: "audit_log");

            migrationBuilder.DropColumn(
                name: "prev_hash",
                table: "audit_log");

            migrationBuilder.DropColumn(
                name: "seq",
                table: "audit_log");

            migrationBuilder.CreateTable(
                name: "audit_seal_queue",
                columns: table => new
                {
                    practice_id = table.Column<Guid>(type: "uuid", nullable: false),
                    first_id = table.Column<long>(type: "bigint", nullable: false),
                    audit_ids = table.Column<long[]>(type: "bigint[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_seal_queue", x => new { x.practice_id, x.first_id });
                });

            // Practice first: the key is also the index for listing a practice's trail and for finding its rows by id.
            migrationBuilder.DropPrimaryKey(
                name: "pk_audit_log",
                table: "audit_log");

            migrationBuilder.AddPrimaryKey(
                name: "pk_audit_log",
                table: "audit_log",
                columns: new[] { "practice_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_seals_audit_id",
                table: "audit_seals",
                column: "audit_id",
                unique: true);

            migrationBuilder.IsolateTenantTable("audit_seals");
            migrationBuilder.GrantAppendOnly("audit_seals");
            // The sealer reads and empties the queue; requests fill it only through the trigger below.
            migrationBuilder.Sql($"""
                GRANT SELECT, INSERT, DELETE ON audit_seal_queue TO {TenantIsolationSql.AppRole};
                -- One queue entry per practice per statement, whatever its number of rows: a batch of reads costs one.
                CREATE FUNCTION audit_log_enqueue_seal() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO audit_seal_queue (practice_id, first_id, audit_ids)
                        SELECT practice_id, min(id), array_agg(id ORDER BY id) FROM inserted GROUP BY practice_id;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER audit_log_enqueue_seal AFTER INSERT ON audit_log REFERENCING NEW TABLE AS inserted
                    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_enqueue_seal();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Back to the chain inside audit_log: only possible once every row is sealed.
            migrationBuilder.Sql("""
                ALTER TABLE audit_log NO FORCE ROW LEVEL SECURITY;
                ALTER TABLE audit_seals NO FORCE ROW LEVEL SECURITY;
                DO $$ BEGIN
                    IF EXISTS (SELECT 1 FROM audit_log a WHERE NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.audit_id = a.id)) THEN
                        RAISE EXCEPTION 'audit_log has rows the sealer has not chained yet: let it finish before migrating down';
                    END IF;
                END $$;
                DROP TRIGGER audit_log_enqueue_seal ON audit_log;
                DROP FUNCTION audit_log_enqueue_seal();
                ALTER TABLE audit_log ADD COLUMN seq bigint, ADD COLUMN prev_hash bytea, ADD COLUMN hash bytea;
                UPDATE audit_log a SET seq = s.seq, prev_hash = s.prev_hash, hash = s.hash FROM audit_seals s WHERE s.audit_id = a.id;
                ALTER TABLE audit_log ALTER COLUMN seq SET NOT NULL, ALTER COLUMN prev_hash SET NOT NULL, ALTER COLUMN hash SET NOT NULL;
                ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
                """);

            migrationBuilder.DropTable(
                name: "audit_seal_queue");

            migrationBuilder.DropTable(
                name: "audit_seals");

            migrationBuilder.DropPrimaryKey(
                name: "pk_audit_log",
                table: "audit_log");

            migrationBuilder.AddPrimaryKey(
                name: "pk_audit_log",
                table: "audit_log",
                column: "id");

            migrationBuilder.CreateIndex(
                name: "ix_audit_log_practice_id_seq",
                table: "audit_log",
                columns: new[] { "practice_id", "seq" },
                unique: true);
        }
    }
}
