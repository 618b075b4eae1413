using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrthoScan.Api.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ScanPipeline : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_scan_sessions_patient_id",
                table: "scan_sessions");

            migrationBuilder.DropIndex(
                name: "ix_scan_images_session_id",
                table: "scan_images");

            migrationBuilder.DropColumn(
                name: "storage_key",
                table: "scan_images");

            migrationBuilder.AddColumn<int>(
                name: "aligner_number",
                table: "scan_sessions",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "idempotency_key",
                table: "scan_sessions",
                type: "character varying(100)",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTime>(
                name: "processed_at",
                table: "scan_sessions",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "request_hash",
                table: "scan_sessions",
                type: "bytea",
                nullable: false,
                defaultValue: new byte[0]);

            migrationBuilder.AlterColumn<int>(
                name: "quality_score",
                table: "scan_images",
                type: "integer",
                nullable: true,
                oldClrType: typeof(double),
                oldType: "double precision",
                oldNullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "captured_at",
                table: "scan_images",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "device_make",
                table: "scan_images",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "device_model",
                table: "scan_images",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "display_key",
                table: "scan_images",
                type: "character varying(400)",
                maxLength: 400,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "full_key",
                table: "scan_images",
                type: "character varying(400)",
                maxLength: 400,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "height",
                table: "scan_images",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "perceptual_hash",
                table: "scan_images",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "processed_at",
                table: "scan_images",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<List<string>>(
                name: "quality_issues",
                table: "scan_images",
                type: "text[]",
                nullable: false);

            migrationBuilder.AddColumn<List<string>>(
                name: "retake_reasons",
                table: "scan_images",
                type: "text[]",
                nullable: false);

            migrationBuilder.AddColumn<string>(
                name: "status",
                table: "scan_images",
                type: "character varying(40)",
                maxLength: 40,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "upload_content_type",
                table: "scan_images",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "upload_key",
                table: "scan_images",
                type: "character varying(400)",
                maxLength: 400,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "upload_length",
                table: "scan_images",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "width",
                table: "scan_images",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_scan_sessions_patient_id_created_at",
                table: "scan_sessions",
                columns: new[] { "patient_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_scan_sessions_patient_id_idempotency_key",
                table: "scan_sessions",
                columns: new[] { "patient_id", "idempotency_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_scan_images_session_id_image_type",
                table: "scan_images",
                columns: new[] { "session_id", "image_type" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_scan_sessions_patient_id_created_at",
                table: "scan_sessions");

            migrationBuilder.DropIndex(
                name: "ix_scan_sessions_patient_id_idempotency_key",
                table: "scan_sessions");

            migrationBuilder.DropIndex(
                name: "ix_scan_images_session_id_image_type",
                table: "scan_images");

            migrationBuilder.DropColumn(
                name: "aligner_number",
                table: "scan_sessions");

            migrationBuilder.DropColumn(
                name: "idempotency_key",
                table: "scan_sessions");

            migrationBuilder.DropColumn(
                name: "processed_at",
                table: "scan_sessions");

            migrationBuilder.DropColumn(
                name: "request_hash",
                table: "scan_sessions");

            migrationBuilder.DropColumn(
                name: "captured_at",
                table: "scan_images");

            migrationBuilder.DropColumn(
                name: "device_make",
                table: "scan_images");

            migrationBuilder.DropColumn(
                name: "device_model",
                table: "scan_images");

            migrationBuilder.DropColumn(
                name: "display_key",
                table: "scan_images");

            migrationBuilder.DropColumn(
                name: "full_key",
                table: "scan_images");

            migrationBuilder.DropColumn(
                name: "height",
                table: "scan_images");

            migrationBuilder.DropColumn(
                name: "perceptual_hash",
                table: "scan_images");

            migrationBuilder.DropColumn(
                name: "processed_at",
                table: "scan_images");

            migrationBuilder.DropColumn(
                name: "quality_issues",
                table: "scan_images");

            migrationBuilder.DropColumn(
                name: "retake_reasons",
                table: "scan_images");

            migrationBuilder.DropColumn(
                name: "status",
                table: "scan_images");

            migrationBuilder.DropColumn(
                name: "upload_content_type",
                table: "scan_images");

            migrationBuilder.DropColumn(
                name: "upload_key",
                table: "scan_images");

            migrationBuilder.DropColumn(
                name: "upload_length",
                table: "scan_images");

            migrationBuilder.DropColumn(
                name: "width",
                table: "scan_images");

            migrationBuilder.AlterColumn<double>(
                name: "quality_score",
                table: "scan_images",
                type: "double precision",
                nullable: true,
                oldClrType: typeof(int),
                oldType: "integer",
                oldNullable: true);

            migrationBuilder.AddColumn<string>(
                name: "storage_key",
                table: "scan_images",
                type: "character varying(400)",
                maxLength: 400,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "ix_scan_sessions_patient_id",
                table: "scan_sessions",
                column: "patient_id");

            migrationBuilder.CreateIndex(
                name: "ix_scan_images_session_id",
                table: "scan_images",
                column: "session_id");
        }
    }
}
