using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrthoScan.Api.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class AiSuggestions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ai_outcomes",
                table: "tag_sets",
                type: "jsonb",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ai_suggestions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    practice_id = table.Column<Guid>(type: "uuid", nullable: false),
                    session_id = table.Column<Guid>(type: "uuid", nullable: false),
                    model_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    model_version = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    attribute = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    value = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    confidence = table.Column<float>(type: "real", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ai_suggestions", x => x.id);
                    table.ForeignKey(
                        name: "fk_ai_suggestions_practices_practice_id",
                        column: x => x.practice_id,
                        principalTable: "practices",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_ai_suggestions_scan_sessions_session_id",
                        column: x => x.session_id,
                        principalTable: "scan_sessions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_ai_suggestions_practice_id",
                table: "ai_suggestions",
                column: "practice_id");

            migrationBuilder.CreateIndex(
                name: "ix_ai_suggestions_session_id_created_at",
                table: "ai_suggestions",
                columns: new[] { "session_id", "created_at" });

            migrationBuilder.Sql("ALTER TABLE ai_suggestions ADD CONSTRAINT ck_ai_suggestions_confidence CHECK (confidence >= 0 AND confidence <= 1);");
            migrationBuilder.IsolateTenantTable("ai_suggestions");
            migrationBuilder.GrantReadWrite("ai_suggestions");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ai_suggestions");

            migrationBuilder.DropColumn(
                name: "ai_outcomes",
                table: "tag_sets");
        }
    }
}
