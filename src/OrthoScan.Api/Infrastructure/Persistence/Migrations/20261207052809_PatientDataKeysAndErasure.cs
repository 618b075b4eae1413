using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrthoScan.Api.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class PatientDataKeysAndErasure : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<DateOnly>(
                name: "date_of_birth",
                table: "patients",
                type: "date",
                nullable: true,
                oldClrType: typeof(DateOnly),
                oldType: "date");

            migrationBuilder.AddColumn<DateTime>(
                name: "erased_at",
                table: "patients",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "patient_data_keys",
                columns: table => new
                {
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    practice_id = table.Column<Guid>(type: "uuid", nullable: false),
                    wrapped_key = table.Column<byte[]>(type: "bytea", nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    destroyed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_patient_data_keys", x => x.patient_id);
                    table.ForeignKey(
                        name: "fk_patient_data_keys_patients_patient_id",
                        column: x => x.patient_id,
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_patient_data_keys_practices_practice_id",
                        column: x => x.practice_id,
                        principalTable: "practices",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_patient_data_keys_practice_id",
                table: "patient_data_keys",
                column: "practice_id");

            // A destroyed key stays as a tombstone (wrapped_key NULL, destroyed_at set) and never comes back to life.
            migrationBuilder.Sql("""
                ALTER TABLE patient_data_keys ADD CONSTRAINT ck_patient_data_keys_destroyed CHECK ((wrapped_key IS NULL) = (destroyed_at IS NOT NULL));
                CREATE FUNCTION patient_data_keys_stay_destroyed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF OLD.destroyed_at IS NOT NULL AND NEW.wrapped_key IS NOT NULL THEN
                        RAISE EXCEPTION 'a destroyed patient data key cannot be restored' USING ERRCODE = 'check_violation';
                    END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER patient_data_keys_stay_destroyed BEFORE UPDATE ON patient_data_keys
                    FOR EACH ROW EXECUTE FUNCTION patient_data_keys_stay_destroyed();
                """);
            // The key may only belong to a patient of its own practice (foreign keys are checked without RLS).
            migrationBuilder.Sql("""
                ALTER TABLE patient_data_keys ADD CONSTRAINT fk_patient_data_keys_patient_id_same_practice
                    FOREIGN KEY (practice_id, patient_id) REFERENCES patients (practice_id, id) ON DELETE CASCADE;
                """);
            migrationBuilder.IsolateTenantTable("patient_data_keys");
            // No DELETE: a tombstone must not be removed (a new key would then be made for the erased patient).
            migrationBuilder.Sql($"GRANT SELECT, INSERT, UPDATE ON patient_data_keys TO {TenantIsolationSql.AppRole};");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "patient_data_keys");
            migrationBuilder.Sql("DROP FUNCTION patient_data_keys_stay_destroyed();");

            migrationBuilder.DropColumn(
                name: "erased_at",
                table: "patients");

            migrationBuilder.AlterColumn<DateOnly>(
                name: "date_of_birth",
                table: "patients",
                type: "date",
                nullable: false,
                defaultValue: new DateOnly(1, 1, 1),
                oldClrType: typeof(DateOnly),
                oldType: "date",
                oldNullable: true);
        }
    }
}
