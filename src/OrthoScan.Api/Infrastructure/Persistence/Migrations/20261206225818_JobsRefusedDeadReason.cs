using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrthoScan.Api.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class JobsRefusedDeadReason : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_jobs_dead_reason",
                table: "jobs");

            migrationBuilder.AddCheckConstraint(
                name: "ck_jobs_dead_reason",
                table: "jobs",
                sql: "dead_reason IN ('failed', 'abandoned', 'unreadable_payload', 'refused')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_jobs_dead_reason",
                table: "jobs");

            migrationBuilder.AddCheckConstraint(
                name: "ck_jobs_dead_reason",
                table: "jobs",
                sql: "dead_reason IN ('failed', 'abandoned', 'unreadable_payload')");
        }
    }
}
