using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using OrthoScan.Api.Domain;
using OrthoScan.Api.Features.Dashboard;
using OrthoScan.Api.Infrastructure.Http;
using OrthoScan.Api.Infrastructure.Persistence;
using OrthoScan.Api.Infrastructure.Storage;
using OrthoScan.Api.Infrastructure.Tenancy;

namespace OrthoScan.Load.Feed;

/// <summary>
/// The feed's bare twin, in a process of its own (`feed-bare`): GET /bare/dashboard/feed?practiceId=&amp;cursor=&amp;limit=
/// sends the three statements of ReviewFeed.Statements, as EF Core writes them (taken at start-up with ToQueryString,
/// never copied), through raw Npgsql as the owner role: no authentication, no row-level security (the bench database
/// exempts the owner), no audit row, no mediator. It maps the rows with the API's own records, paging and cursor code,
/// and signs one thumbnail link per image as the local blob store does.
/// </summary>
internal static class FeedBare
{
    private static readonly Guid PracticeSentinel = new("0d0d0d0d-1111-4111-8111-000000000001");
    private static readonly Guid CursorIdSentinel = new("0d0d0d0d-2222-4222-8222-000000000002");
    private static readonly Guid ListSentinel = new("0d0d0d0d-3333-4333-8333-000000000003");
    private static readonly DateTime CursorTimeSentinel = new(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);
    private const int LimitSentinel = 4321;

    private static readonly Dictionary<string, ImageType> ImageTypes = Names<ImageType>();
    private static readonly Dictionary<string, ScanSessionStatus> SessionStatuses = Names<ScanSessionStatus>();
    private static readonly Dictionary<string, ScanImageStatus> ImageStatuses = Names<ScanImageStatus>();

    public static async Task<int> RunAsync(string ownerCs, int port)
    {
        var statements = Capture(ownerCs);
        foreach (var (name, s) in statements) Console.WriteLine($"feed-bare: {name} (parameters {string.Join(", ", s.ParameterByRole.Select(p => $"{p.Key}=@{p.Value}"))}):\n{s.Sql}\n");
        await using var source = new NpgsqlDataSourceBuilder(ownerCs) { ConnectionStringBuilder = { MaxPoolSize = 40 } }.Build();
        var signer = new BlobUrlSigner(RandomNumberGenerator.GetBytes(32), TimeProvider.System);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            ServiceSetup.ConfigureJson(o.SerializerOptions);
            o.SerializerOptions.TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver();
        });
        await using var app = builder.Build();
        app.MapGet("/bare/dashboard/feed", async (Guid practiceId, string? cursor, int? limit, CancellationToken ct) =>
            Results.Ok(await FeedAsync(source, statements, signer, practiceId, cursor, limit, ct)));
        app.MapGet("/bare/health", () => Results.Ok());
        Console.WriteLine($"feed-bare: listening on 127.0.0.1:{port}");
        await app.RunAsync();
        return 0;
    }

    /// <summary>EF Core's SQL for each statement, for a practice context (the tenant filter) and with and without a cursor.</summary>
    private static Dictionary<string, EfStatement> Capture(string ownerCs)
    {
        var context = new RequestContext();
        typeof(RequestContext).GetProperty(nameof(RequestContext.PracticeId))!.SetValue(context, PracticeSentinel);
        using var db = new AppDbContext(new DbContextOptionsBuilder<AppDbContext>().UseNpgsql(ownerCs).UseSnakeCaseNamingConvention().Options, context);
        var practice = ("practice", PracticeSentinel.ToString());
        var limit = ("limit", (LimitSentinel + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var list = ("ids", ListSentinel.ToString());
        return new Dictionary<string, EfStatement>(StringComparer.Ordinal)
        {
            ["first page"] = EfStatement.From(ReviewFeed.Statements.ReadySessions(db, null, LimitSentinel), Roles(practice, limit)),
            ["next page"] = EfStatement.From(ReviewFeed.Statements.ReadySessions(db, new ReviewFeed.Cursor(CursorTimeSentinel, CursorIdSentinel), LimitSentinel),
                Roles(practice, limit, ("after-time", "2001-02-03"), ("after-id", CursorIdSentinel.ToString()))),
            ["patients"] = EfStatement.From(ReviewFeed.Statements.Patients(db, [ListSentinel]), Roles(practice, list)),
            ["images"] = EfStatement.From(ReviewFeed.Statements.Images(db, [ListSentinel]), Roles(practice, list)),
        };
    }

    private static Dictionary<string, string> Roles(params (string Role, string Value)[] roles) => roles.ToDictionary(r => r.Role, r => r.Value, StringComparer.Ordinal);

    private static NpgsqlCommand Command(NpgsqlConnection connection, EfStatement statement, params (string Role, object Value)[] values)
    {
        var command = new NpgsqlCommand(statement.Sql, connection);
        foreach (var (role, value) in values) command.Parameters.AddWithValue(statement.ParameterByRole[role], value);
        return command;
    }

    private static async Task<Page<ReviewFeed.Item>> FeedAsync(NpgsqlDataSource source, Dictionary<string, EfStatement> statements, BlobUrlSigner signer,
        Guid practiceId, string? cursorText, int? requested, CancellationToken ct)
    {
        var limit = Paging.Limit(requested);
        var after = Paging.Decode<ReviewFeed.Cursor>(cursorText);
        await using var connection = await source.OpenConnectionAsync(ct);
        var rows = new List<ScanSession>();
        await using (var cmd = after is null
                         ? Command(connection, statements["first page"], ("practice", practiceId), ("limit", limit + 1))
                         : Command(connection, statements["next page"], ("practice", practiceId), ("limit", limit + 1), ("after-time", after.SubmittedAt), ("after-id", after.Id)))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct)) rows.Add(ReadSession(r));
        }

        var patients = new Dictionary<Guid, ReviewFeed.PatientName>();
        await using (var cmd = Command(connection, statements["patients"], ("practice", practiceId), ("ids", rows.Select(x => x.PatientId).Distinct().ToArray())))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct)) patients[r.GetGuid(0)] = new ReviewFeed.PatientName(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetInt32(4));
        }

        var images = new List<ScanImage>();
        await using (var cmd = Command(connection, statements["images"], ("practice", practiceId), ("ids", rows.Select(x => x.Id).ToArray())))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct)) images.Add(ReadImage(r));
        }

        // The same mapping as ReviewFeed.Handler, to the API's own records.
        var lookup = images.ToLookup(i => i.SessionId);
        return Paging.ToPage(rows, limit, session =>
        {
            var patient = patients[session.PatientId];
            var sessionImages = lookup[session.Id].OrderBy(i => i.ImageType).ToList();
            return new ReviewFeed.Item(
                session.Id, session.PatientId, $"{patient.FirstName} {patient.LastName}", patient.CurrentStage, patient.TotalStages, session.AlignerNumber,
                session.SubmittedAt!.Value, sessionImages.Min(i => i.QualityScore),
                sessionImages.SelectMany(i => i.QualityIssues).Distinct().Order().ToList(),
                sessionImages.Select(i => new ReviewFeed.FeedImage(i.ImageType, i.QualityScore,
                    i.ThumbnailKey is null ? null : "/api/v1/blobs/" + signer.CreateToken(BlobUrlSigner.Get, i.ThumbnailKey, null, null, DateTimeOffset.UtcNow.AddMinutes(10)))).ToList());
        }, session => new ReviewFeed.Cursor(session.SubmittedAt!.Value, session.Id));
    }

    // By column name: the statements' column order is EF's, not ours.
    private static ScanSession ReadSession(NpgsqlDataReader r) => new()
    {
        Id = Value<Guid>(r, "id"), AlignerNumber = Value<int>(r, "aligner_number"), CreatedAt = Value<DateTime>(r, "created_at"),
        IdempotencyKey = Value<string>(r, "idempotency_key"), ImageCount = Value<int>(r, "image_count"),
        PatientFeedback = Nullable<string>(r, "patient_feedback"), PatientId = Value<Guid>(r, "patient_id"), PracticeId = Value<Guid>(r, "practice_id"),
        ProcessedAt = NullableValue<DateTime>(r, "processed_at"), RequestHash = Value<byte[]>(r, "request_hash"),
        ReviewedAt = NullableValue<DateTime>(r, "reviewed_at"), ReviewedBy = NullableValue<Guid>(r, "reviewed_by"),
        Status = SessionStatuses[Value<string>(r, "status")], SubmittedAt = NullableValue<DateTime>(r, "submitted_at"),
    };

    private static ScanImage ReadImage(NpgsqlDataReader r) => new()
    {
        Id = Value<Guid>(r, "id"), CapturedAt = NullableValue<DateTime>(r, "captured_at"), CreatedAt = Value<DateTime>(r, "created_at"),
        DeviceMake = Nullable<string>(r, "device_make"), DeviceModel = Nullable<string>(r, "device_model"),
        DisplayKey = Nullable<string>(r, "display_key"), FullKey = Nullable<string>(r, "full_key"), Height = NullableValue<int>(r, "height"),
        ImageType = ImageTypes[Value<string>(r, "image_type")], PerceptualHash = NullableValue<long>(r, "perceptual_hash"),
        PracticeId = Value<Guid>(r, "practice_id"), ProcessedAt = NullableValue<DateTime>(r, "processed_at"),
        QualityIssues = [.. Value<string[]>(r, "quality_issues")], QualityScore = NullableValue<int>(r, "quality_score"),
        RetakeReasons = [.. Value<string[]>(r, "retake_reasons")], SessionId = Value<Guid>(r, "session_id"),
        Status = ImageStatuses[Value<string>(r, "status")], ThumbnailKey = Nullable<string>(r, "thumbnail_key"),
        UploadContentType = Nullable<string>(r, "upload_content_type"), UploadKey = Nullable<string>(r, "upload_key"),
        UploadLength = NullableValue<long>(r, "upload_length"), Width = NullableValue<int>(r, "width"),
    };

    private static T Value<T>(NpgsqlDataReader r, string column) => r.GetFieldValue<T>(r.GetOrdinal(column));

    private static T? Nullable<T>(NpgsqlDataReader r, string column) where T : class
    {
        var i = r.GetOrdinal(column);
        return r.IsDBNull(i) ? null : r.GetFieldValue<T>(i);
    }

    private static T? NullableValue<T>(NpgsqlDataReader r, string column) where T : struct
    {
        var i = r.GetOrdinal(column);
        return r.IsDBNull(i) ? null : r.GetFieldValue<T>(i);
    }

    private static Dictionary<string, T> Names<T>() where T : struct, Enum =>
        Enum.GetValues<T>().ToDictionary(t => JsonNamingPolicy.SnakeCaseLower.ConvertName(t.ToString()));
}
