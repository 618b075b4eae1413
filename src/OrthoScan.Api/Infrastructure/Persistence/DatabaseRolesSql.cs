using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace OrthoScan.Api.Infrastructure.Persistence;

/// <summary>
/// The app role (what the API connects as) and the platform role (owner of the aggregate-only read functions): created
/// by the migration owner, never superusers, never able to bypass row-level security, owning nothing.
/// </summary>
public static class DatabaseRolesSql
{
    public const string AppRolePasswordKey = "OrthoScan:Database:AppRolePassword";

    public static void CreateDatabaseRoles(this MigrationBuilder m) => m.Sql($"""
        DO $$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{TenantIsolationSql.AppRole}') THEN
                CREATE ROLE {TenantIsolationSql.AppRole} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION;
            END IF;
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{PlatformReadSql.PlatformRole}') THEN
                CREATE ROLE {PlatformReadSql.PlatformRole} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION;
            END IF;
            -- A role someone made more powerful by hand would carry that power past every policy: refuse to go on.
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname IN ('{TenantIsolationSql.AppRole}', '{PlatformReadSql.PlatformRole}')
                       AND (rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb OR rolreplication)) THEN
                RAISE EXCEPTION 'the roles {TenantIsolationSql.AppRole} and {PlatformReadSql.PlatformRole} must not be superuser, bypass RLS, or create roles or databases';
            END IF;
            -- The owner hands the platform read functions to the platform role, which needs membership in it.
            IF NOT pg_has_role(current_user, '{PlatformReadSql.PlatformRole}', 'MEMBER') THEN
                EXECUTE format('GRANT {PlatformReadSql.PlatformRole} TO %I', current_user);
            END IF;
        END $$;
        """);

    /// <summary>
    /// Gives the app role the password the API's connection string carries (from Secrets Manager in AWS, from
    /// <c>.local/</c> locally), so rotating it is: new secret, rerun <c>migrate</c>, roll the services.
    /// </summary>
    public static async Task SetAppRolePasswordAsync(NpgsqlConnection owner, string password)
    {
        // ALTER ROLE takes no parameters: the password travels as a bound setting, never inside the SQL text.
        await using var tx = await owner.BeginTransactionAsync();
        await using (var set = new NpgsqlCommand("SELECT set_config('orthoscan.app_role_password', @password, true)", owner, tx))
        {
            set.Parameters.AddWithValue("password", password);
            await set.ExecuteNonQueryAsync();
        }
        await using (var alter = new NpgsqlCommand($"""
            DO $$ BEGIN
                EXECUTE format('ALTER ROLE {TenantIsolationSql.AppRole} WITH LOGIN PASSWORD %L', current_setting('orthoscan.app_role_password'));
            END $$;
            """, owner, tx))
            await alter.ExecuteNonQueryAsync();
        await tx.CommitAsync();
    }
}
