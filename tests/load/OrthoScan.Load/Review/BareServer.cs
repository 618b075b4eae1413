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
/// The bare twins: the same SQL the API's handlers send (feed: captured from EF Core's command log, with the tenant filter
/// turned into an explicit practice_id parameter), through raw Npgsql as the owner role, with no authentication, no
/// row-level security (the bench database exempts the owner), no audit write, no mediator pipeline. They build the same
/// JSON with System.Text.Json and the API's own response records, and sign thumbnail URLs like the local blob store.
/// Lives in the load harness only, on loopback.
/// </summary>
internal sealed class BareServer : IAsyncDisposable
{
    // ReviewFeed.Handler, first query (EF Core 10 / Npgsql, as logged): the page of ready sessions.
    public const string FeedSql = """
        SELECT s.id, s.aligner_number, s.created_at, s.idempotency_key, s.image_count, s.patient_feedback, s.patient_id, s.practice_id, s.processed_at, s.request_hash, s.reviewed_at, s.reviewed_by, s.status, s.submitted_at
        FROM scan_sessions AS s
        WHERE s.practice_id = @practice_id AND s.status = 'ready' AND s.submitted_at IS NOT NULL
        ORDER BY s.submitted_at, s.id
        LIMIT @p
        """;

    // ReviewFeed.Handler, second query: their patients by id.
    public const string FeedPatientsSql = """
        SELECT p.id AS "Id", p.first_name AS "FirstName", p.last_name AS "LastName", p.current_stage AS "CurrentStage", p.total_stages AS "TotalStages"
        FROM patients AS p
        WHERE p.practice_id = @practice_id AND p.id = ANY (@patientIds)
        """;

    // ReviewFeed.Handler, third query: their images.
    public const string FeedImagesSql = """
        SELECT s.id, s.captured_at, s.created_at, s.device_make, s.device_model, s.display_key, s.full_key, s.height, s.image_type, s.perceptual_hash, s.practice_id, s.processed_at, s.quality_issues, s.quality_score, s.retake_reasons, s.session_id, s.status, s.thumbnail_key, s.upload_content_type, s.upload_key, s.upload_length, s.width
        FROM scan_images AS s
        WHERE s.practice_id = @practice_id AND s.session_id = ANY (@ids)
        """;

    private static readonly Dictionary<string, ImageType> ImageTypes =
        Enum.GetValues<ImageType>().ToDictionary(t => JsonNamingPolicy.SnakeCaseLower.ConvertName(t.ToString()));
    private static readonly Dictionary<string, ScanSessionStatus> SessionStatuses =
        Enum.GetValues<ScanSessionStatus>().ToDictionary(t => JsonNamingPolicy.SnakeCaseLower.ConvertName(t.ToString()));
    private static readonly Dictionary<string, ScanImageStatus> ImageStatuses =
        Enum.GetValues<ScanImageStatus>().ToDictionary(t => JsonNamingPolicy.SnakeCaseLower.ConvertName(t.ToString()));

    private readonly WebApplication _app;
    private readonly NpgsqlDataSource _source;
    private readonly BlobUrlSigner _signer = new(RandomNumberGenerator.GetBytes(32), TimeProvider.System);

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
        _app.MapGet("/bare/dashboard/feed", (Guid practiceId, int? limit, CancellationToken ct) => FeedAsync(practiceId, limit, ct));
        _app.MapGet("/bare/dashboard/analytics", (Guid practiceId, int? weeks, CancellationToken ct) => AnalyticsAsync(practiceId, weeks ?? AnalyticsWindow.DefaultWeeks, ct));
    }

    public Task StartAsync() => _app.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _source.DisposeAsync();
    }

    private async Task<IResult> FeedAsync(Guid practiceId, int? requested, CancellationToken ct)
    {
        var limit = Paging.Limit(requested);
        await using var connection = await _source.OpenConnectionAsync(ct);
        var rows = new List<ScanSession>();
        await using (var cmd = new NpgsqlCommand(FeedSql, connection))
        {
            cmd.Parameters.AddWithValue("practice_id", practiceId);
            cmd.Parameters.AddWithValue("p", limit + 1);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                rows.Add(new ScanSession
                {
                    Id = r.GetGuid(0), AlignerNumber = r.GetInt32(1), CreatedAt = r.GetDateTime(2), IdempotencyKey = r.GetString(3), ImageCount = r.GetInt32(4),
                    PatientFeedback = r.IsDBNull(5) ? null : r.GetString(5), PatientId = r.GetGuid(6), PracticeId = r.GetGuid(7),
                    ProcessedAt = r.IsDBNull(8) ? null : r.GetDateTime(8), RequestHash = r.GetFieldValue<byte[]>(9),
                    ReviewedAt = r.IsDBNull(10) ? null : r.GetDateTime(10), ReviewedBy = r.IsDBNull(11) ? null : r.GetGuid(11),
                    Status = SessionStatuses[r.GetString(12)], SubmittedAt = r.IsDBNull(13) ? null : r.GetDateTime(13),
                });
            }
        }

        var patients = new Dictionary<Guid, (string FirstName, string LastName, int CurrentStage, int TotalStages)>();
        await using (var cmd = new NpgsqlCommand(FeedPatientsSql, connection))
        {
            cmd.Parameters.AddWithValue("practice_id", practiceId);
            cmd.Parameters.AddWithValue("patientIds", rows.Select(x => x.PatientId).Distinct().ToArray());
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) patients[r.GetGuid(0)] = (r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetInt32(4));
        }

        var images = new List<ScanImage>();
        await using (var cmd = new NpgsqlCommand(FeedImagesSql, connection))
        {
            cmd.Parameters.AddWithValue("practice_id", practiceId);
            cmd.Parameters.AddWithValue("ids", rows.Select(x => x.Id).ToArray());
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                images.Add(new ScanImage
                {
                    Id = r.GetGuid(0), CapturedAt = r.IsDBNull(1) ? null : r.GetDateTime(1), CreatedAt = r.GetDateTime(2),
                    DeviceMake = r.IsDBNull(3) ? null : r.GetString(3), DeviceModel = r.IsDBNull(4) ? null : r.GetString(4),
                    DisplayKey = r.IsDBNull(5) ? null : r.GetString(5), FullKey = r.IsDBNull(6) ? null : r.GetString(6),
                    Height = r.IsDBNull(7) ? null : r.GetInt32(7), ImageType = ImageTypes[r.GetString(8)],
                    PerceptualHash = r.IsDBNull(9) ? null : r.GetInt64(9), PracticeId = r.GetGuid(10), ProcessedAt = r.IsDBNull(11) ? null : r.GetDateTime(11),
                    QualityIssues = [.. r.GetFieldValue<string[]>(12)], QualityScore = r.IsDBNull(13) ? null : r.GetInt32(13),
                    RetakeReasons = [.. r.GetFieldValue<string[]>(14)], SessionId = r.GetGuid(15), Status = ImageStatuses[r.GetString(16)],
                    ThumbnailKey = r.IsDBNull(17) ? null : r.GetString(17), UploadContentType = r.IsDBNull(18) ? null : r.GetString(18),
                    UploadKey = r.IsDBNull(19) ? null : r.GetString(19), UploadLength = r.IsDBNull(20) ? null : r.GetInt64(20),
                    Width = r.IsDBNull(21) ? null : r.GetInt32(21),
                });
            }
        }

        // The same mapping as ReviewFeed.Handler, to the API's own records.
        var lookup = images.ToLookup(i => i.SessionId);
        var page = Paging.ToPage(rows, limit, session =>
        {
            var patient = patients[session.PatientId];
            var sessionImages = lookup[session.Id].OrderBy(i => i.ImageType).ToList();
            return new ReviewFeed.Item(
                session.Id, session.PatientId, $"{patient.FirstName} {patient.LastName}", patient.CurrentStage, patient.TotalStages, session.AlignerNumber,
                session.SubmittedAt!.Value, sessionImages.Min(i => i.QualityScore),
                sessionImages.SelectMany(i => i.QualityIssues).Distinct().Order().ToList(),
                sessionImages.Select(i => new ReviewFeed.FeedImage(i.ImageType, i.QualityScore,
                    i.ThumbnailKey is null ? null : DownloadUrl(i.ThumbnailKey))).ToList());
        }, session => new ReviewFeed.Cursor(session.SubmittedAt!.Value, session.Id));
        return Results.Ok(page);
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

    /// <summary>What EncryptedFileBlobStore.CreateDownloadUrl does: an HMAC-signed token for a 10-minute GET.</summary>
    private string DownloadUrl(string key) =>
        "/api/v1/blobs/" + _signer.CreateToken(BlobUrlSigner.Get, key, null, null, DateTimeOffset.UtcNow.AddMinutes(10));
}
