using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrthoScan.Api.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// The platform audit chain (ADR 0011): what finance, platform admins and the API binary's commands did, each row linked
    /// to the one before it as it is written. Append-only for the app role. Not tenant data, so no tenant policy: row-level
    /// security (enabled, not forced, so the owner can still repair or prove tampering) lets only a session outside every
    /// practice read or append it, so no practice's request ever sees the platform's rows.
    /// </summary>
    public partial class PlatformAuditChain : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "platform_audit_log",
                columns: table => new
                {
                    seq = table.Column<long>(type: "bigint", nullable: false),
                    actor_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    actor_role = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    action = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    resource_type = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true),
                    resource_id = table.Column<Guid>(type: "uuid", nullable: true),
                    practice_id = table.Column<Guid>(type: "uuid", nullable: true),
                    ip_address = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    occurred_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    prev_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    hash = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_platform_audit_log", x => x.seq);
                    table.CheckConstraint("ck_platform_audit_log_seq", "seq >= 1");
                });

            migrationBuilder.GrantAppendOnly("platform_audit_log");
            migrationBuilder.Sql("""
                ALTER TABLE platform_audit_log ENABLE ROW LEVEL SECURITY;
                CREATE POLICY outside_practices_read ON platform_audit_log FOR SELECT USING (app_practice_id() IS NULL);
                CREATE POLICY outside_practices_insert ON platform_audit_log FOR INSERT WITH CHECK (app_practice_id() IS NULL);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "platform_audit_log");
        }
    }
}
