using System.Globalization;
using Npgsql;

namespace OrthoScan.Api.Infrastructure.Persistence;

/// <summary>
/// Limits every connection of the app role: a statement that waits longer than <see cref="LockTimeout"/> for a lock, or
/// runs longer than <see cref="StatementTimeout"/>, is stopped by PostgreSQL (55P03 / 57014) and answers 503, instead of
/// holding a request, a pooled connection and its locks without end.
/// </summary>
public sealed class DatabaseOptions
{
    public const string Section = "OrthoScan:Database";

    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan StatementTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// ConnectionStrings:App with the timeouts as startup options, so they hold on every connection (pooled ones too:
    /// DISCARD ALL resets to these values) whatever the role's own defaults are, in production as in tests. The client-side
    /// command timeout is a little longer, so the server's clearer error comes first.
    /// </summary>
    public static string AppConnectionString(IConfiguration config)
    {
        var options = config.GetSection(Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        if (options.LockTimeout <= TimeSpan.Zero || options.StatementTimeout <= TimeSpan.Zero)
            throw new InvalidOperationException($"{Section}:LockTimeout and StatementTimeout must be positive.");
        var builder = new NpgsqlConnectionStringBuilder(ServiceSetup.RequireConnectionString(config, "App"));
        builder.Options = string.Join(' ', new[]
        {
            builder.Options,
            "-c lock_timeout=" + Milliseconds(options.LockTimeout),
            "-c statement_timeout=" + Milliseconds(options.StatementTimeout),
        }.Where(o => !string.IsNullOrWhiteSpace(o)));
        builder.CommandTimeout = Math.Max(builder.CommandTimeout, (int)Math.Ceiling(options.StatementTimeout.TotalSeconds) + 5);
        return builder.ConnectionString;
    }

    private static string Milliseconds(TimeSpan value) => ((long)Math.Ceiling(value.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
}
