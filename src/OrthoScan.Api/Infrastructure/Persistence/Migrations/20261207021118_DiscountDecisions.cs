using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrthoScan.Api.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class DiscountDecisions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "applied_at",
                table: "discount_proposals",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "applied_to",
                table: "discount_proposals",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "approved_percent",
                table: "discount_proposals",
                type: "numeric(5,2)",
                precision: 5,
                scale: 2,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "decided_at",
                table: "discount_proposals",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "decided_by",
                table: "discount_proposals",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "decision_reason",
                table: "discount_proposals",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            // A decision is all or nothing, and only a granted discount can be applied. Finance decides through a platform
            // function (never the app role: it may not UPDATE decisions); the app role may only mark a granted discount applied.
            migrationBuilder.Sql("""
                ALTER TABLE discount_proposals ADD CONSTRAINT ck_discount_proposals_decision CHECK (
                    (status = 'proposed' AND approved_percent IS NULL AND decided_at IS NULL AND decided_by IS NULL AND decision_reason IS NULL)
                    OR (status IN ('approved', 'adjusted') AND approved_percent BETWEEN 0 AND 100 AND decided_at IS NOT NULL AND decided_by IS NOT NULL)
                    OR (status = 'rejected' AND approved_percent IS NULL AND decided_at IS NOT NULL AND decided_by IS NOT NULL));
                ALTER TABLE discount_proposals ADD CONSTRAINT ck_discount_proposals_adjusted_reason
                    CHECK (status <> 'adjusted' OR decision_reason IS NOT NULL);
                ALTER TABLE discount_proposals ADD CONSTRAINT ck_discount_proposals_applied
                    CHECK ((applied_at IS NULL AND applied_to IS NULL) OR (status IN ('approved', 'adjusted') AND applied_at IS NOT NULL AND applied_to IS NOT NULL));
                """);
            migrationBuilder.Sql($"GRANT UPDATE (applied_at, applied_to) ON discount_proposals TO {TenantIsolationSql.AppRole};");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"REVOKE UPDATE (applied_at, applied_to) ON discount_proposals FROM {TenantIsolationSql.AppRole};");
            migrationBuilder.Sql("""
                ALTER TABLE discount_proposals DROP CONSTRAINT ck_discount_proposals_decision;
                ALTER TABLE discount_proposals DROP CONSTRAINT ck_discount_proposals_adjusted_reason;
                ALTER TABLE discount_proposals DROP CONSTRAINT ck_discount_proposals_applied;
                """);
            migrationBuilder.DropColumn(
                name: "applied_at",
                table: "discount_proposals");

            migrationBuilder.DropColumn(
                name: "applied_to",
                table: "discount_proposals");

            migrationBuilder.DropColumn(
                name: "approved_percent",
                table: "discount_proposals");

            migrationBuilder.DropColumn(
                name: "decided_at",
                table: "discount_proposals");

            migrationBuilder.DropColumn(
                name: "decided_by",
                table: "discount_proposals");

            migrationBuilder.DropColumn(
                name: "decision_reason",
                table: "discount_proposals");
        }
    }
}
