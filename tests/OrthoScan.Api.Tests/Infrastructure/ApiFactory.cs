using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrthoScan.Api.Infrastructure.Http;
using OrthoScan.Api.Infrastructure.Persistence;

namespace OrthoScan.Api.Tests.Infrastructure;

/// <summary>
/// The real API host against a throwaway database on the PostgreSQL that `make test` starts, migrated by the
/// owner role and used by the app role, and the real Redis under a key prefix of its own.
/// </summary>
public sealed class ApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly string _database = "orthoscan_test_" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _keyDir = Path.Combine(Path.GetTempPath(), "orthoscan-test-" + Guid.NewGuid().ToString("N"));

    public string OwnerConnectionString { get; }
    public string AppConnectionString { get; }
    public string RedisPrefix { get; } = "test:" + Guid.NewGuid().ToString("N")[..8] + ":";

    /// <summary>The ES256 key file the host signs with (created by the host on first start), for tests that mint tokens.</summary>
    public string SigningKeyPath => Path.Combine(_keyDir, "jwt.pem");

    /// <summary>The local blob store's folder (removed with the key folder when the host is disposed).</summary>
    public string BlobRoot => Path.Combine(_keyDir, "blobs");

    /// <summary>The write-once audit archive's folder (no S3 bucket in tests).</summary>
    public string AuditArchiveRoot => Path.Combine(_keyDir, "audit-archive");

    public ApiFactory()
    {
        OwnerConnectionString = WithDatabase(Required("ConnectionStrings__Owner"), _database);
        AppConnectionString = WithDatabase(Required("ConnectionStrings__App"), _database);
    }

    /// <summary>Settings a test class may change before the host starts.</summary>
    public Dictionary<string, string?> Settings { get; } = new()
    {
        ["OrthoScan:Auth:LoginsPerMinutePerIp"] = "1000",
        ["OrthoScan:Auth:LoginsPerMinutePerAccount"] = "1000",
        ["OrthoScan:Auth:ActivationsPerMinutePerIp"] = "1000",
        ["OrthoScan:Auth:InvitationAcceptsPerMinutePerIp"] = "1000",
        ["OrthoScan:Auth:RegistrationsPer10MinutesPerIp"] = "1000",
        ["OrthoScan:Auth:MfaRequestsPerMinutePerIp"] = "1000",
        ["OrthoScan:Auth:MfaRequestsPerMinutePerAccount"] = "1000",
        ["OrthoScan:Auth:PasswordResetsPerMinutePerIp"] = "1000",
        // The fuzz and the authorization matrix send hundreds of requests a minute as one user; RequestQuotaTests sets its own.
        ["OrthoScan:Auth:RequestsPerMinutePerUser"] = "100000",
        // Emails and SMS land in the dev mailbox (no provider configured), which tests read like a developer would.
        ["OrthoScan:Notifications:ExposeDevMailbox"] = "true",
        // Tests wait for the audit sealer by polling; a short interval keeps that wait short.
        ["OrthoScan:Audit:SealInterval"] = "00:00:00.200",
    };

    public async Task InitializeAsync()
    {
        await using (var admin = new NpgsqlConnection(Required("ConnectionStrings__Owner")))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {_database} OWNER orthoscan_owner", admin);
            await create.ExecuteNonQueryAsync();
        }
        await using var db = Database.CreateOwnerContext(OwnerConnectionString);
        await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.MigrateAsync(db.Database);
    }

    /// <summary>
    /// Settings read as sections with children (Serilog's sinks), which host settings do not carry: added as an app
    /// configuration source instead.
    /// </summary>
    public Dictionary<string, string?> SectionSettings { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(TestEnvironment);
        foreach (var (key, value) in HostSettings) builder.UseSetting(key, value);
        if (SectionSettings.Count > 0) builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(SectionSettings));
    }

    /// <summary>
    /// The host Program builds (<c>AddOrthoScan</c>, <c>UseOrthoScan</c>) in <paramref name="role"/>, with this factory's
    /// settings, not started: for a test of a host that must not start, which starts it itself and awaits the failure.
    /// A factory's host cannot show that reliably: Program's own <c>app.Run()</c> starts it on another thread and, when
    /// the start fails, disposes it, while the factory may not yet have read its services to wait for the start
    /// (it then throws ObjectDisposedException instead of the start's error).
    /// </summary>
    /// <param name="onLoopbackPort">Serve on a port of its own (Kestrel on 127.0.0.1, port chosen by the system; see
    /// <c>WebApplication.Urls</c> once started) instead of in memory: a separate instance as a fleet would run it.</param>
    public WebApplication BuildHost(string role, Action<IServiceCollection> configure, bool onLoopbackPort = false)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = TestEnvironment, ApplicationName = typeof(Program).Assembly.GetName().Name });
        builder.Configuration.AddInMemoryCollection(HostSettings);
        builder.Configuration[HostRoles.Key] = role;
        if (onLoopbackPort) builder.WebHost.UseUrls("http://127.0.0.1:0");
        else builder.WebHost.UseTestServer();
        var hostRole = HostRoles.From(builder.Configuration);
        builder.AddOrthoScan(hostRole);
        configure(builder.Services);
        var app = builder.Build();
        app.UseOrthoScan(hostRole);
        return app;
    }

    private const string TestEnvironment = "Testing";

    private IEnumerable<KeyValuePair<string, string?>> HostSettings =>
    [
        new("ConnectionStrings:App", AppConnectionString),
        new("ConnectionStrings:Owner", OwnerConnectionString),
        new("OrthoScan:Redis:KeyPrefix", RedisPrefix),
        new("OrthoScan:Auth:SigningKeyPath", SigningKeyPath),
        new("OrthoScan:Storage:LocalRoot", BlobRoot),
        new("OrthoScan:Audit:Archive:LocalRoot", AuditArchiveRoot),
        new("Serilog:MinimumLevel:Default", "Warning"),
        .. Settings,
    ];

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(Required("ConnectionStrings__Owner"));
            await admin.OpenAsync();
            // The owner may not terminate the app role's sessions (no FORCE), and closed pooled connections take a
            // moment to leave the server: wait for them.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database}", admin);
                    await drop.ExecuteNonQueryAsync();
                    break;
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse && attempt < 100)
                {
                    await Task.Delay(100);
                }
            }
        }
        finally
        {
            // The signing key and the test blobs go even when the drop fails.
            if (Directory.Exists(_keyDir)) Directory.Delete(_keyDir, recursive: true);
        }
    }

    private static string WithDatabase(string connectionString, string database) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Database = database }.ConnectionString;

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name)
        ?? throw new InvalidOperationException($"{name} is not set: run the tests through `make test`, which starts PostgreSQL and Redis.");
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFactory>
{
    public const string Name = "api";
}
