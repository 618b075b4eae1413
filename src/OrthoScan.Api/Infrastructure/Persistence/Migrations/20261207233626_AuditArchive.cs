using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrthoScan.Api.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// How far each practice's audit chain has been copied to the write-once archive (Features/Audit/ArchiveAuditLog).
    /// Tenant data under forced RLS; the app role may move a mark forward but never delete one.
    /// </summary>
    public partial class AuditArchive : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_archive_marks",
                columns: table => new
                {
                    practice_id = table.Column<Guid>(type: "uuid", nullable: false),
                    archived_seq = table.Column<long>(type: "bigint", nullable: false),
                    archived_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_archive_marks", x => x.practice_id);
                });
            migrationBuilder.IsolateTenantTable("audit_archive_marks");
            migrationBuilder.Sql($"GRANT SELECT, INSERT, UPDATE ON audit_archive_marks TO {TenantIsolationSql.AppRole};");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_archive_marks");
        }
    }
}
