using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using OrthoScan.Api.Domain;
using OrthoScan.Api.Features.Dashboard;
using OrthoScan.Api.Infrastructure.Ai;
using OrthoScan.Api.Infrastructure.Analytics;
using OrthoScan.Api.Infrastructure.Http;
using OrthoScan.Api.Infrastructure.Persistence;
using OrthoScan.Api.Infrastructure.Storage;

namespace OrthoScan.Load.Review;

/// <summary>
/// The analytics twin: the statements Analytics sends (read from the API assembly), through raw Npgsql as the owner role,
/// with no authentication, no row-level security (the bench database exempts the owner), no mediator pipeline, mapped to
/// the API's own response records. Lives in the load harness only, on loopback. (The feed's twin runs in a process of
/// its own: Feed/FeedBare.cs.)
/// </summary>
internal sealed class BareServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly NpgsqlDataSource _source;

    public Uri BaseUrl { get; }

    public BareServer(string ownerCs, int port)
    {
        // Pool as large as the load; idle connections are closed soon so they do not sit on the shared server.
        _source = new NpgsqlDataSourceBuilder(ownerCs)
        {
            ConnectionStringBuilder = { MaxPoolSize = 40, ConnectionIdleLifetime = 10, ConnectionPruningInterval = 5 },
        }.Build();
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(BaseUrl.ToString());
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            ServiceSetup.ConfigureJson(o.SerializerOptions);
            o.SerializerOptions.TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver();
        });
        _app = builder.Build();
        _app.MapGet("/bare/dashboard/analytics", (Guid practiceId, int? weeks, CancellationToken ct) => AnalyticsAsync(practiceId, weeks ?? AnalyticsWindow.DefaultWeeks, ct));
    }

    public Task StartAsync() => _app.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _source.DisposeAsync();
    }

    // Analytics.Handler's statements, read from the API assembly so that the twin always sends the same SQL.
    private static readonly string[] AnalyticsStatements =
        (string[])(typeof(Analytics).GetField("Statements", BindingFlags.NonPublic | BindingFlags.Static)?.GetValue(null)
                   ?? throw new InvalidOperationException("Analytics.Statements not found: update the bare twin"));

    /// <summary>Analytics.Handler.ComputeAsync without the cache: one batch on one connection, the same mapping.</summary>
    private async Task<IResult> AnalyticsAsync(Guid practiceId, int weeks, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        var window = AnalyticsWindow.Ending(now, weeks);
        await using var connection = await _source.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var sql in AnalyticsStatements)
        {
            var command = new NpgsqlBatchCommand(sql);
            foreach (var value in new object[] { practiceId, window.Start, window.End }) command.Parameters.Add(new NpgsqlParameter { Value = value });
            batch.BatchCommands.Add(command);
        }
        await using var reader = await batch.ExecuteReaderAsync(ct);
        var received = await reader.RowsAsync(r => (Week: r.GetDateTime(0), Received: r.GetInt64(1), Reviewed: r.GetInt64(2)), ct);
        var reviewed = (await reader.RowsAsync(r => (Week: r.GetDateTime(0), Count: r.GetInt64(1)), ct)).ToDictionary(r => r.Week, r => r.Count);
        var minutesToReview = (await reader.RowsAsync(r => r.NullableDouble(0), ct)).Single();
        var reviewSeconds = (await reader.RowsAsync(r => r.NullableDouble(0), ct)).Single();
        var scores = (await reader.RowsAsync(r => (Attribute: r.GetString(0), Value: r.GetString(1), Count: r.GetInt64(2)), ct))
            .ToDictionary(r => (r.Attribute, r.Value), r => (int)r.Count);
        var ai = (await reader.RowsAsync(r => (Attribute: r.GetString(0), Suggested: (int)r.GetInt64(1), Accepted: (int)r.GetInt64(2)), ct))
            .ToDictionary(r => r.Attribute);

        var receivedByWeek = received.ToDictionary(r => r.Week, r => r.Received);
        var weekRows = Enumerable.Range(0, window.Weeks).Select(i =>
        {
            var start = window.Start.AddDays(7 * i);
            return new Analytics.Week(window.From.AddDays(7 * i), (int)receivedByWeek.GetValueOrDefault(start), (int)reviewed.GetValueOrDefault(start));
        }).ToList();
        var receivedTotal = received.Sum(r => r.Received);
        double? taggingRate = receivedTotal == 0 ? null : (double)received.Sum(r => r.Reviewed) / receivedTotal;

        return Results.Ok(new Analytics.Response(window.From, window.To, weekRows, minutesToReview, reviewSeconds, taggingRate,
            Analytics.Distributions(scores),
            Analytics.AiAttributes.Select(a => ai.TryGetValue(a, out var r)
                ? new Analytics.AiAcceptance(a, r.Suggested, r.Accepted, (double)r.Accepted / r.Suggested)
                : new Analytics.AiAcceptance(a, 0, 0, null)).ToList(),
            now));
    }
}
