using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrthoScan.Api.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class NotificationPreferencesAndReminders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "notify_by_email",
                table: "patients",
                type: "boolean",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<bool>(
                name: "notify_by_sms",
                table: "patients",
                type: "boolean",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<TimeOnly>(
                name: "quiet_hours_end",
                table: "patients",
                type: "time without time zone",
                nullable: false,
                defaultValue: new TimeOnly(8, 0, 0));

            migrationBuilder.AddColumn<TimeOnly>(
                name: "quiet_hours_start",
                table: "patients",
                type: "time without time zone",
                nullable: false,
                defaultValue: new TimeOnly(21, 0, 0));

            migrationBuilder.AddColumn<string>(
                name: "dedupe_key",
                table: "notifications",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "subject_id",
                table: "notifications",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "sms_opt_outs",
                columns: table => new
                {
                    phone = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    opted_out_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sms_opt_outs", x => x.phone);
                });

            migrationBuilder.CreateIndex(
                name: "ix_notifications_practice_id_dedupe_key",
                table: "notifications",
                columns: new[] { "practice_id", "dedupe_key" },
                unique: true,
                filter: "dedupe_key IS NOT NULL");

            // Opt-outs belong to a phone number, not a practice: the inbound webhook adds and removes them, delivery reads them.
            migrationBuilder.Sql($"GRANT SELECT, INSERT, DELETE ON sms_opt_outs TO {TenantIsolationSql.AppRole};");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "sms_opt_outs");

            migrationBuilder.DropIndex(
                name: "ix_notifications_practice_id_dedupe_key",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "notify_by_email",
                table: "patients");

            migrationBuilder.DropColumn(
                name: "notify_by_sms",
                table: "patients");

            migrationBuilder.DropColumn(
                name: "quiet_hours_end",
                table: "patients");

            migrationBuilder.DropColumn(
                name: "quiet_hours_start",
                table: "patients");

            migrationBuilder.DropColumn(
                name: "dedupe_key",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "subject_id",
                table: "notifications");
        }
    }
}
