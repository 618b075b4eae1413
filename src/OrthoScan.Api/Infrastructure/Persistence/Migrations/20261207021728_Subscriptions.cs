using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrthoScan.Api.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// Practice subscriptions and invoices (tenant tables: forced row-level security; the app role reads, adds and updates them),
    /// and the Stripe webhook inbox (not tenant data, ADR 0012).
    /// </summary>
    public partial class Subscriptions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "invoices",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    practice_id = table.Column<Guid>(type: "uuid", nullable: false),
                    number = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    provider = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    stripe_invoice_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    period_start = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    period_end = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    subtotal_minor = table.Column<long>(type: "bigint", nullable: false),
                    discount_minor = table.Column<long>(type: "bigint", nullable: false),
                    total_minor = table.Column<long>(type: "bigint", nullable: false),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    hosted_url = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    discount_proposal_id = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    paid_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_invoices", x => x.id);
                    table.ForeignKey(
                        name: "fk_invoices_discount_proposals_discount_proposal_id",
                        column: x => x.discount_proposal_id,
                        principalTable: "discount_proposals",
                        principalColumn: "id");
                    table.ForeignKey(
                        name: "fk_invoices_practices_practice_id",
                        column: x => x.practice_id,
                        principalTable: "practices",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "practice_subscriptions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    practice_id = table.Column<Guid>(type: "uuid", nullable: false),
                    plan = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    provider = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    stripe_customer_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    stripe_subscription_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    trial_ends_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    current_period_start = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    current_period_end = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    past_due_since = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_practice_subscriptions", x => x.id);
                    table.ForeignKey(
                        name: "fk_practice_subscriptions_practices_practice_id",
                        column: x => x.practice_id,
                        principalTable: "practices",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "stripe_events",
                columns: table => new
                {
                    event_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    type = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    received_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    processed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_stripe_events", x => x.event_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_invoices_discount_proposal_id",
                table: "invoices",
                column: "discount_proposal_id");

            migrationBuilder.CreateIndex(
                name: "ix_invoices_number",
                table: "invoices",
                column: "number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_invoices_practice_id",
                table: "invoices",
                column: "practice_id");

            migrationBuilder.CreateIndex(
                name: "ix_invoices_practice_id_period_start",
                table: "invoices",
                columns: new[] { "practice_id", "period_start" });

            migrationBuilder.CreateIndex(
                name: "ix_invoices_stripe_invoice_id",
                table: "invoices",
                column: "stripe_invoice_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_practice_subscriptions_practice_id",
                table: "practice_subscriptions",
                column: "practice_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_practice_subscriptions_stripe_subscription_id",
                table: "practice_subscriptions",
                column: "stripe_subscription_id",
                unique: true);

            migrationBuilder.Sql("""
                ALTER TABLE practice_subscriptions ADD CONSTRAINT ck_practice_subscriptions_values CHECK (
                    plan IN ('trial', 'starter', 'professional', 'enterprise')
                    AND status IN ('trialing', 'active', 'past_due', 'canceled', 'incomplete')
                    AND provider IN ('offline', 'stripe')
                    AND (provider = 'stripe' OR (stripe_customer_id IS NULL AND stripe_subscription_id IS NULL))
                    AND (current_period_end IS NULL OR current_period_end > current_period_start));
                ALTER TABLE invoices ADD CONSTRAINT ck_invoices_values CHECK (
                    status IN ('open', 'paid', 'void', 'uncollectible') AND provider IN ('offline', 'stripe')
                    AND (provider = 'stripe' OR stripe_invoice_id IS NULL)
                    AND subtotal_minor >= 0 AND discount_minor >= 0 AND total_minor >= 0 AND period_end > period_start);
                """);
            // An invoice can only name a discount of its own practice (as TenantScopedForeignKeys does for the other references).
            migrationBuilder.Sql("""
                ALTER TABLE discount_proposals ADD CONSTRAINT ak_discount_proposals_practice_id_id UNIQUE (practice_id, id);
                ALTER TABLE invoices ADD CONSTRAINT fk_invoices_discount_proposal_id_same_practice
                    FOREIGN KEY (practice_id, discount_proposal_id) REFERENCES discount_proposals (practice_id, id);
                """);
            migrationBuilder.IsolateTenantTable("practice_subscriptions");
            migrationBuilder.IsolateTenantTable("invoices");
            migrationBuilder.Sql($"GRANT SELECT, INSERT, UPDATE ON practice_subscriptions, invoices TO {TenantIsolationSql.AppRole};");
            // The webhook inbox is not tenant data (ADR 0012): event ids and types only, read and written by the app role.
            migrationBuilder.Sql($"GRANT SELECT, INSERT, UPDATE (processed_at) ON stripe_events TO {TenantIsolationSql.AppRole};");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "invoices");

            migrationBuilder.Sql("ALTER TABLE discount_proposals DROP CONSTRAINT ak_discount_proposals_practice_id_id;");

            migrationBuilder.DropTable(
                name: "practice_subscriptions");

            migrationBuilder.DropTable(
                name: "stripe_events");
        }
    }
}
