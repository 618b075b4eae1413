using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrthoScan.Api.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// The period close's discount proposals (a tenant table: forced row-level security; the app role may read and add
    /// them, finance's review will need UPDATE), and an index for the scans a practice received (processed) in a period.
    /// </summary>
    public partial class TaggingDiscountProposals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "discount_proposals",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    practice_id = table.Column<Guid>(type: "uuid", nullable: false),
                    period_start = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    period_end = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    sessions_received = table.Column<int>(type: "integer", nullable: false),
                    sessions_tagged = table.Column<int>(type: "integer", nullable: false),
                    rate = table.Column<decimal>(type: "numeric(5,4)", precision: 5, scale: 4, nullable: false),
                    proposed_percent = table.Column<decimal>(type: "numeric(5,2)", precision: 5, scale: 2, nullable: false),
                    status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_discount_proposals", x => x.id);
                    table.ForeignKey(
                        name: "fk_discount_proposals_practices_practice_id",
                        column: x => x.practice_id,
                        principalTable: "practices",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_scan_sessions_practice_id_processed_at",
                table: "scan_sessions",
                columns: new[] { "practice_id", "processed_at" });

            migrationBuilder.CreateIndex(
                name: "ix_discount_proposals_practice_id",
                table: "discount_proposals",
                column: "practice_id");

            migrationBuilder.CreateIndex(
                name: "ix_discount_proposals_practice_id_period_start",
                table: "discount_proposals",
                columns: new[] { "practice_id", "period_start" },
                unique: true);

            migrationBuilder.Sql("""
                ALTER TABLE discount_proposals ADD CONSTRAINT ck_discount_proposals_counts
                    CHECK (sessions_received > 0 AND sessions_tagged BETWEEN 0 AND sessions_received AND rate BETWEEN 0 AND 1
                           AND proposed_percent BETWEEN 0 AND 100 AND period_end > period_start);
                """);
            migrationBuilder.IsolateTenantTable("discount_proposals");
            migrationBuilder.Sql($"GRANT SELECT, INSERT ON discount_proposals TO {TenantIsolationSql.AppRole};");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "discount_proposals");

            migrationBuilder.DropIndex(
                name: "ix_scan_sessions_practice_id_processed_at",
                table: "scan_sessions");
        }
    }
}
