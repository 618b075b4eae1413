using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrthoScan.Api.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class AnalyticsIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_tag_sets_practice_id_tagged_at",
                table: "tag_sets",
                columns: new[] { "practice_id", "tagged_at" });

            migrationBuilder.CreateIndex(
                name: "ix_scan_sessions_practice_id_reviewed_at",
                table: "scan_sessions",
                columns: new[] { "practice_id", "reviewed_at" });

            migrationBuilder.CreateIndex(
                name: "ix_scan_sessions_practice_id_submitted_at",
                table: "scan_sessions",
                columns: new[] { "practice_id", "submitted_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_tag_sets_practice_id_tagged_at",
                table: "tag_sets");

            migrationBuilder.DropIndex(
                name: "ix_scan_sessions_practice_id_reviewed_at",
                table: "scan_sessions");

            migrationBuilder.DropIndex(
                name: "ix_scan_sessions_practice_id_submitted_at",
                table: "scan_sessions");
        }
    }
}
