using Microsoft.EntityFrameworkCore.Design;
using Npgsql;

namespace OrthoScan.Api.Infrastructure.Persistence;

public static class Database
{
    /// <summary>Migrations run as the owner role; the API itself only ever connects as the app role.</summary>
    public static async Task MigrateAsync(IConfiguration config, ILogger logger)
    {
        await using var db = CreateOwnerContext(ServiceSetup.RequireConnectionString(config, "Owner"));
        var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
        logger.LogInformation("Applying {Count} migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
        await db.Database.MigrateAsync();
        if (config[DatabaseRolesSql.AppRolePasswordKey] is { Length: > 0 } appPassword)
        {
            await using var owner = new NpgsqlConnection(db.Database.GetConnectionString());
            await owner.OpenAsync();
            await DatabaseRolesSql.SetAppRolePasswordAsync(owner, appPassword);
            logger.LogInformation("Set the password of the app role {Role}", TenantIsolationSql.AppRole);
        }
    }

    public static AppDbContext CreateOwnerContext(string connectionString) =>
        new(new DbContextOptionsBuilder<AppDbContext>().UseNpgsql(connectionString).UseSnakeCaseNamingConvention().Options, new RequestContext());
}

/// <summary>For `dotnet ef migrations add`: no database is contacted.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<AppDbContext>
{
    public AppDbContext CreateDbContext(string[] args) =>
        Database.CreateOwnerContext("Host=127.0.0.1;Port=55432;Database=orthoscan;Username=orthoscan_owner");
}
