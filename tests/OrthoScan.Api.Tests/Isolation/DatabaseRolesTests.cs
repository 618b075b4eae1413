using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OrthoScan.Api.Infrastructure.Persistence;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Isolation;

/// <summary>
/// The roles come from the first migration, run as the owner (as on RDS, where no superuser exists): `make test` and
/// every deploy create them that way on a new server.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class DatabaseRolesTests(ApiFactory api)
{
    [Fact]
    public async Task The_first_migration_creates_the_roles_the_later_ones_grant_to()
    {
        await using var owner = await Sql.OpenAsync(api.OwnerConnectionString);
        (await owner.ScalarAsync<string>("""SELECT migration_id FROM "__EFMigrationsHistory" ORDER BY migration_id LIMIT 1"""))
            .ShouldBe("20261126013400_DatabaseRoles");
        (await owner.ColumnAsync("SELECT rolname::text FROM pg_roles WHERE rolname IN ('orthoscan_app', 'orthoscan_platform') ORDER BY 1"))
            .ShouldBe(["orthoscan_app", "orthoscan_platform"]);
    }

    [Theory]
    [InlineData("orthoscan_app", true)]
    [InlineData("orthoscan_platform", false)]
    public async Task A_role_the_migration_made_has_no_power_beyond_its_grants(string role, bool logsIn)
    {
        await using var owner = await Sql.OpenAsync(api.OwnerConnectionString);
        var power = await owner.ScalarAsync<string>(
            "SELECT concat_ws(',', CASE WHEN rolsuper THEN 'superuser' END, CASE WHEN rolbypassrls THEN 'bypassrls' END, " +
            "CASE WHEN rolcreaterole THEN 'createrole' END, CASE WHEN rolcreatedb THEN 'createdb' END, " +
            "CASE WHEN rolreplication THEN 'replication' END) FROM pg_roles WHERE rolname = @role", ("role", role));
        power.ShouldBeEmpty();
        (await owner.ScalarAsync<bool>("SELECT rolcanlogin FROM pg_roles WHERE rolname = @role", ("role", role))).ShouldBe(logsIn);
        (await owner.ScalarAsync<bool>("SELECT pg_has_role(@role, 'orthoscan_owner', 'MEMBER')", ("role", role))).ShouldBeFalse();
        (await owner.ScalarAsync<string>("SELECT pg_get_userbyid(datdba)::text FROM pg_database WHERE datname = current_database()"))
            .ShouldBe("orthoscan_owner");
    }

    [Fact]
    public async Task The_app_role_owns_nothing_and_the_platform_role_owns_only_its_read_functions()
    {
        await using var owner = await Sql.OpenAsync(api.OwnerConnectionString);
        (await owner.ScalarAsync<long>("SELECT count(*) FROM pg_class WHERE relowner = 'orthoscan_app'::regrole")).ShouldBe(0);
        (await owner.ScalarAsync<long>("SELECT count(*) FROM pg_proc WHERE proowner = 'orthoscan_app'::regrole")).ShouldBe(0);
        (await owner.ScalarAsync<long>("SELECT count(*) FROM pg_class WHERE relowner = 'orthoscan_platform'::regrole")).ShouldBe(0);
        var platformFunctions = await owner.ColumnAsync("SELECT proname::text FROM pg_proc WHERE proowner = 'orthoscan_platform'::regrole");
        platformFunctions.ShouldNotBeEmpty();
        platformFunctions.ShouldAllBe(name => name.StartsWith("platform_"));
    }

    [Fact]
    public async Task Migrate_gives_the_app_role_the_configured_password_without_putting_it_in_the_sql()
    {
        var appPassword = new NpgsqlConnectionStringBuilder(api.AppConnectionString).Password!;
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Owner"] = api.OwnerConnectionString,
            [DatabaseRolesSql.AppRolePasswordKey] = appPassword,
        }).Build();

        await Database.MigrateAsync(config, NullLogger.Instance);

        var fresh = new NpgsqlConnectionStringBuilder(api.AppConnectionString) { Pooling = false }.ConnectionString;
        await using var app = await Sql.OpenAsync(fresh);
        (await app.ScalarAsync<string>("SELECT current_user::text")).ShouldBe("orthoscan_app");
        // The statements the owner sent name no password: it travelled as a bound setting of the transaction.
        await using var ownerDb = await Sql.OpenAsync(api.OwnerConnectionString);
        (await ownerDb.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%' || @pw || '%'", ("pw", appPassword)))
            .ShouldBe(0);
    }

    [Fact]
    public async Task The_one_off_migration_task_needs_only_the_owners_connection_string_and_the_app_roles_password()
    {
        var database = "orthoscan_migrate_" + Guid.NewGuid().ToString("N")[..12];
        var owner = new NpgsqlConnectionStringBuilder(api.OwnerConnectionString) { Database = database }.ConnectionString;
        await using (var admin = await Sql.OpenAsync(api.OwnerConnectionString))
            await admin.ExecuteAsync($"CREATE DATABASE {database} OWNER orthoscan_owner");
        try
        {
            // The process the ECS migrate task runs, with the environment that task definition gives it and nothing more.
            var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "OrthoScan.Api.dll"), "migrate"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment.Clear();
            foreach (var name in new[] { "PATH", "HOME", "DOTNET_ROOT" })
                if (Environment.GetEnvironmentVariable(name) is { } value) start.Environment[name] = value;
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            start.Environment["ConnectionStrings__Owner"] = owner;
            start.Environment["OrthoScan__Database__AppRolePassword"] = new NpgsqlConnectionStringBuilder(api.AppConnectionString).Password;
            using var migrate = Process.Start(start)!;
            var output = migrate.StandardOutput.ReadToEndAsync();
            var errors = migrate.StandardError.ReadToEndAsync();
            await migrate.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));

            migrate.ExitCode.ShouldBe(0, await errors + await output);
            await using var db = Database.CreateOwnerContext(owner);
            (await db.Database.GetAppliedMigrationsAsync()).ShouldBe(db.Database.GetMigrations());
        }
        finally
        {
            await using var admin = await Sql.OpenAsync(api.OwnerConnectionString);
            await admin.ExecuteAsync($"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        }
    }
}
