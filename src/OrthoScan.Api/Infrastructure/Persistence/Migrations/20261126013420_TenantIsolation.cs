using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrthoScan.Api.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// Row-level security on every tenant table and the app role's grants. The app role is not the owner,
    /// so FORCE is what also binds the owner; the app role never gets UPDATE, DELETE or TRUNCATE on the audit log.
    /// </summary>
    public partial class TenantIsolation : Migration
    {
        private static readonly string[] TenantTables = ["scan_sessions", "scan_images", "tag_sets", "message_threads", "messages", "audit_log"];

        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"GRANT USAGE ON SCHEMA public TO {TenantIsolationSql.AppRole};");
            migrationBuilder.CreateTenantFunctions();

            migrationBuilder.IsolateTenantTable("practices", tenantColumn: "id");
            // Before a practice is chosen, a signed-in principal may read its own membership or patient row.
            migrationBuilder.IsolateTenantTable("practice_members", alsoVisibleWhen: "user_id = app_user_id()");
            migrationBuilder.IsolateTenantTable("patients", alsoVisibleWhen: "id = app_patient_id()");
            foreach (var table in TenantTables) migrationBuilder.IsolateTenantTable(table);

            // Identity tables: no tenant data, reached by hashed secrets (tokens, codes) or by email at sign-in.
            migrationBuilder.GrantReadWrite("practices", "practice_members", "patients", "scan_sessions", "scan_images", "tag_sets",
                "message_threads", "messages", "user_accounts", "refresh_tokens", "one_time_codes");
            migrationBuilder.GrantAppendOnly("audit_log");
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in TenantTables.Concat(["practices", "practice_members", "patients"]))
            {
                migrationBuilder.Sql($"""
                    DROP POLICY IF EXISTS tenant_read ON {table};
                    DROP POLICY IF EXISTS tenant_insert ON {table};
                    DROP POLICY IF EXISTS tenant_update ON {table};
                    DROP POLICY IF EXISTS tenant_delete ON {table};
                    ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY;
                    ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;
                    """);
            }
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS app_practice_id(), app_user_id(), app_patient_id();");
            migrationBuilder.Sql($"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {TenantIsolationSql.AppRole};");
        }
    }
}
