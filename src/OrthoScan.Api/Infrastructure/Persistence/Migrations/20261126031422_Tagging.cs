using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrthoScan.Api.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Tagging : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_tag_sets_session_id",
                table: "tag_sets");

            // No tag set existed before this migration; text[] cannot be cast to jsonb in place.
            migrationBuilder.DropColumn(name: "detail_tags", table: "tag_sets");
            migrationBuilder.AddColumn<string>(name: "detail_tags", table: "tag_sets", type: "jsonb", nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "hold_days",
                table: "tag_sets",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "review_opened_at",
                table: "tag_sets",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            migrationBuilder.AddColumn<string>(
                name: "taxonomy_version",
                table: "tag_sets",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "patient_feedback",
                table: "scan_sessions",
                type: "text",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_tag_sets_session_id_tagged_by",
                table: "tag_sets",
                columns: new[] { "session_id", "tagged_by" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_tag_sets_session_id_tagged_by",
                table: "tag_sets");

            migrationBuilder.DropColumn(
                name: "hold_days",
                table: "tag_sets");

            migrationBuilder.DropColumn(
                name: "review_opened_at",
                table: "tag_sets");

            migrationBuilder.DropColumn(
                name: "taxonomy_version",
                table: "tag_sets");

            migrationBuilder.DropColumn(
                name: "patient_feedback",
                table: "scan_sessions");

            migrationBuilder.DropColumn(name: "detail_tags", table: "tag_sets");
            migrationBuilder.AddColumn<List<string>>(name: "detail_tags", table: "tag_sets", type: "text[]", nullable: false, defaultValue: new List<string>());

            migrationBuilder.CreateIndex(
                name: "ix_tag_sets_session_id",
                table: "tag_sets",
                column: "session_id");
        }
    }
}
