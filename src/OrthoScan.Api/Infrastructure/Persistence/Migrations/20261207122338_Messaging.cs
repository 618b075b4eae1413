using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrthoScan.Api.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Messaging : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_messages_thread_id",
                table: "messages");

            migrationBuilder.DropIndex(
                name: "ix_message_threads_patient_id",
                table: "message_threads");

            migrationBuilder.AddColumn<string>(
                name: "idempotency_key",
                table: "messages",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "request_hash",
                table: "messages",
                type: "bytea",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "last_message_at",
                table: "message_threads",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()");

            migrationBuilder.CreateIndex(
                name: "ix_messages_thread_id_created_at_id",
                table: "messages",
                columns: new[] { "thread_id", "created_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_messages_thread_id_idempotency_key",
                table: "messages",
                columns: new[] { "thread_id", "idempotency_key" },
                unique: true,
                filter: "idempotency_key IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_message_threads_patient_id",
                table: "message_threads",
                column: "patient_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_message_threads_practice_id_last_message_at_id",
                table: "message_threads",
                columns: new[] { "practice_id", "last_message_at", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_messages_thread_id_created_at_id",
                table: "messages");

            migrationBuilder.DropIndex(
                name: "ix_messages_thread_id_idempotency_key",
                table: "messages");

            migrationBuilder.DropIndex(
                name: "ix_message_threads_patient_id",
                table: "message_threads");

            migrationBuilder.DropIndex(
                name: "ix_message_threads_practice_id_last_message_at_id",
                table: "message_threads");

            migrationBuilder.DropColumn(
                name: "idempotency_key",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "request_hash",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "last_message_at",
                table: "message_threads");

            migrationBuilder.CreateIndex(
                name: "ix_messages_thread_id",
                table: "messages",
                column: "thread_id");

            migrationBuilder.CreateIndex(
                name: "ix_message_threads_patient_id",
                table: "message_threads",
                column: "patient_id");
        }
    }
}
