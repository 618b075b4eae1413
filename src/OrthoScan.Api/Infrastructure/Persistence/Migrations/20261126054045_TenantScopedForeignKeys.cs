using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrthoScan.Api.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// PostgreSQL checks foreign keys without row-level security, so a reference by id alone could tie a row of one
    /// practice to another practice's row. Beside EF's keys, every reference between tenant tables is also a composite
    /// key on (practice_id, id): a row can only point at a row of its own practice.
    /// </summary>
    public partial class TenantScopedForeignKeys : Migration
    {
        private static readonly string[] Referenced = ["practice_members", "patients", "scan_sessions", "message_threads"];

        private static readonly (string Table, string Column, string Target, string OnDelete)[] References =
        [
            ("patients", "doctor_id", "practice_members", "NO ACTION"),
            ("message_threads", "patient_id", "patients", "CASCADE"),
            ("messages", "thread_id", "message_threads", "CASCADE"),
            ("scan_sessions", "patient_id", "patients", "CASCADE"),
            ("scan_images", "session_id", "scan_sessions", "CASCADE"),
            ("tag_sets", "session_id", "scan_sessions", "CASCADE"),
            ("tag_sets", "tagged_by", "practice_members", "CASCADE"),
            ("ai_suggestions", "session_id", "scan_sessions", "CASCADE"),
        ];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            foreach (var table in Referenced)
                migrationBuilder.Sql($"ALTER TABLE {table} ADD CONSTRAINT ak_{table}_practice_id_id UNIQUE (practice_id, id);");
            foreach (var (table, column, target, onDelete) in References)
                migrationBuilder.Sql($"""
                    ALTER TABLE {table} ADD CONSTRAINT fk_{table}_{column}_same_practice
                        FOREIGN KEY (practice_id, {column}) REFERENCES {target} (practice_id, id) ON DELETE {onDelete};
                    """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var (table, column, _, _) in References)
                migrationBuilder.Sql($"ALTER TABLE {table} DROP CONSTRAINT fk_{table}_{column}_same_practice;");
            foreach (var table in Referenced)
                migrationBuilder.Sql($"ALTER TABLE {table} DROP CONSTRAINT ak_{table}_practice_id_id;");
        }
    }
}
