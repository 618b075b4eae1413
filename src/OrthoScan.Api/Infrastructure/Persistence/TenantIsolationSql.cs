using Microsoft.EntityFrameworkCore.Migrations;

namespace OrthoScan.Api.Infrastructure.Persistence;

/// <summary>
/// Row-level security for migrations. Every table with tenant data calls <see cref="IsolateTenantTable"/> in the
/// migration that creates it; a test fails when a table with practice_id has no forced policy.
/// </summary>
public static class TenantIsolationSql
{
    public const string AppRole = "orthoscan_app";

    public static void CreateTenantFunctions(this MigrationBuilder m) => m.Sql("""
        CREATE FUNCTION app_practice_id() RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('app.practice_id', true), '')::uuid $$;
        CREATE FUNCTION app_user_id() RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$;
        CREATE FUNCTION app_patient_id() RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('app.patient_id', true), '')::uuid $$;
        GRANT EXECUTE ON FUNCTION app_practice_id(), app_user_id(), app_patient_id() TO orthoscan_app;
        """);

    /// <param name="alsoVisibleWhen">An extra read condition, e.g. a principal seeing its own row before its practice is known.</param>
    public static void IsolateTenantTable(this MigrationBuilder m, string table, string tenantColumn = "practice_id", string? alsoVisibleWhen = null)
    {
        var visible = alsoVisibleWhen is null ? $"{tenantColumn} = app_practice_id()" : $"{tenantColumn} = app_practice_id() OR {alsoVisibleWhen}";
        m.Sql($"""
            ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
            ALTER TABLE {table} FORCE ROW LEVEL SECURITY;
            CREATE POLICY tenant_read ON {table} FOR SELECT USING ({visible});
            CREATE POLICY tenant_insert ON {table} FOR INSERT WITH CHECK ({tenantColumn} = app_practice_id());
            CREATE POLICY tenant_update ON {table} FOR UPDATE USING ({tenantColumn} = app_practice_id()) WITH CHECK ({tenantColumn} = app_practice_id());
            CREATE POLICY tenant_delete ON {table} FOR DELETE USING ({tenantColumn} = app_practice_id());
            """);
    }

    public static void GrantReadWrite(this MigrationBuilder m, params string[] tables) =>
        m.Sql($"GRANT SELECT, INSERT, UPDATE, DELETE ON {string.Join(", ", tables)} TO {AppRole};");

    public static void GrantAppendOnly(this MigrationBuilder m, string table) =>
        m.Sql($"REVOKE ALL ON {table} FROM {AppRole}; GRANT SELECT, INSERT ON {table} TO {AppRole};");
}
