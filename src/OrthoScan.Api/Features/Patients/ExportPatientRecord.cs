using System.IO.Compression;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using OrthoScan.Api.Infrastructure.Storage;

namespace OrthoScan.Api.Features.Patients;

/// <summary>
/// GDPR access and portability: the patient's whole record as a ZIP streamed to the response, <c>record.json</c> (profile
/// and consent, sessions and their photos' metadata, tag sets, actions, messages, and who accessed the record, by id)
/// and the EXIF-free full-size photos under <c>images/{sessionId}/{view}.jpg</c>, decrypted with the patient's key.
/// </summary>
public static class ExportPatientRecord
{
    public const string Format = "orthoscan-patient-record/1";
    public const string RecordFile = "record.json";

    [RequiresRole(Role.Owner)]
    public sealed record Query(Guid Id) : IQuery<Record>, IAudited<Record>
    {
        public AuditRecord Audit(Record response) => new("patient", Id);
    }

    public sealed record Record(
        string Format,
        DateTime GeneratedAt,
        PatientResponse Patient,
        IReadOnlyList<Session> Sessions,
        IReadOnlyList<TagSetEntry> TagSets,
        IReadOnlyList<ActionEntry> Actions,
        IReadOnlyList<MessageEntry> Messages,
        IReadOnlyList<AccessEntry> Access)
    {
        /// <summary>The photos to add to the ZIP: their path in it and their object key (never written to record.json).</summary>
        internal IReadOnlyList<(string Path, string Key)> Files { get; init; } = [];
    }

    public sealed record Session(
        Guid Id, int AlignerNumber, ScanSessionStatus Status, DateTime CreatedAt, DateTime? SubmittedAt, DateTime? ProcessedAt,
        DateTime? ReviewedAt, Guid? ReviewedBy, string? PatientFeedback, IReadOnlyList<Image> Images);

    /// <param name="File">Its path in the ZIP; null when no photo is stored for the view (rejected, never sent).</param>
    public sealed record Image(
        Guid Id, ImageType ImageType, ScanImageStatus Status, int? QualityScore, IReadOnlyList<string> QualityIssues,
        IReadOnlyList<string> RetakeReasons, int? Width, int? Height, DateTime? CapturedAt, string? File);

    public sealed record TagSetEntry(
        Guid Id, Guid SessionId, Guid TaggedBy, DateTime TaggedAt, string TaxonomyVersion, short OverallTracking, short? AlignerFit,
        short OralHygiene, IReadOnlyList<Tag> DetailTags, string? Notes, bool AiSuggested, bool AiOverridden);

    public sealed record Tag(string Code, string? Location);

    public sealed record ActionEntry(Guid TagSetId, Guid SessionId, ReviewAction Action, int? HoldDays, int? StageAfter, Guid By, DateTime At);

    public sealed record MessageEntry(Guid ThreadId, string? Subject, Guid Id, SenderType SenderType, Guid? SenderId, string Content, DateTime CreatedAt, DateTime? ReadAt);

    /// <summary>Who touched the record (ids and roles only, from the audit trail), how often, first and last.</summary>
    public sealed record AccessEntry(Guid? UserId, string? ActorRole, string Action, int Count, DateTime First, DateTime Last);

    public sealed class Handler(AppDbContext db, TimeProvider clock) : IQueryHandler<Query, Record>
    {
        public async ValueTask<Record> Handle(Query query, CancellationToken ct)
        {
            var patient = await db.Patients.AsNoTracking().SingleOrDefaultAsync(p => p.Id == query.Id, ct) ?? throw new NotFoundException("patient");
            if (patient.ErasedAt is not null) throw new PatientDataShreddedException();

            var sessions = await db.ScanSessions.AsNoTracking().Where(s => s.PatientId == patient.Id).OrderBy(s => s.CreatedAt).ToListAsync(ct);
            var sessionIds = sessions.Select(s => s.Id).ToList();
            var images = await db.ScanImages.AsNoTracking().Where(i => sessionIds.Contains(i.SessionId)).ToListAsync(ct);
            var tagSets = await db.TagSets.AsNoTracking().Where(t => sessionIds.Contains(t.SessionId)).OrderBy(t => t.TaggedAt).ToListAsync(ct);
            var threads = await db.MessageThreads.AsNoTracking().Where(t => t.PatientId == patient.Id).ToListAsync(ct);
            var threadIds = threads.Select(t => t.Id).ToList();
            var messages = await db.Messages.AsNoTracking().Where(m => threadIds.Contains(m.ThreadId)).OrderBy(m => m.CreatedAt).ToListAsync(ct);

            List<Guid?> resources = [patient.Id, .. sessionIds.Cast<Guid?>(), .. images.Select(i => (Guid?)i.Id), .. threadIds.Cast<Guid?>()];
            var access = await db.AuditLog.AsNoTracking()
                .Where(a => resources.Contains(a.ResourceId))
                .GroupBy(a => new { a.UserId, a.ActorRole, a.Action })
                .Select(g => new AccessEntry(g.Key.UserId, g.Key.ActorRole, g.Key.Action, g.Count(), g.Min(a => a.OccurredAt), g.Max(a => a.OccurredAt)))
                .ToListAsync(ct);

            var files = new List<(string Path, string Key)>();
            var sessionEntries = sessions.Select(s => new Session(
                s.Id, s.AlignerNumber, s.Status, s.CreatedAt, s.SubmittedAt, s.ProcessedAt, s.ReviewedAt, s.ReviewedBy, s.PatientFeedback,
                images.Where(i => i.SessionId == s.Id).OrderBy(i => i.ImageType).Select(i =>
                {
                    string? path = null;
                    if (i.FullKey is { } key)
                    {
                        path = $"images/{s.Id}/{JsonNamingPolicy.SnakeCaseLower.ConvertName(i.ImageType.ToString())}.jpg";
                        files.Add((path, key));
                    }
                    return new Image(i.Id, i.ImageType, i.Status, i.QualityScore, i.QualityIssues, i.RetakeReasons, i.Width, i.Height, i.CapturedAt, path);
                }).ToList())).ToList();

            return new Record(
                Format, clock.UtcNow(), PatientResponse.From(patient, clock.UtcToday()), sessionEntries,
                tagSets.Select(t => new TagSetEntry(t.Id, t.SessionId, t.TaggedBy, t.TaggedAt, t.TaxonomyVersion, t.OverallTracking, t.AlignerFit,
                    t.OralHygiene, t.DetailTags.Select(d => new Tag(d.Code, d.Location)).ToList(), t.Notes, t.AiSuggested, t.AiOverridden)).ToList(),
                tagSets.Select(t => new ActionEntry(t.Id, t.SessionId, t.ActionTaken, t.HoldDays, t.StageAfter, t.TaggedBy, t.TaggedAt)).ToList(),
                messages.Select(m => new MessageEntry(m.ThreadId, threads.Single(t => t.Id == m.ThreadId).Subject, m.Id, m.SenderType, m.SenderId,
                    m.Content, m.CreatedAt, m.ReadAt)).ToList(),
                access.OrderBy(a => a.First).ToList()) { Files = files };
        }
    }

    /// <summary>Writes the photos first, then record.json, which names only the photos that were really written.</summary>
    public static async Task WriteZipAsync(Record record, Stream response, IBlobStore store, JsonSerializerOptions json, CancellationToken ct)
    {
        await using var output = new HeaderBufferingStream(response);
        await WriteEntriesAsync(record, output, store, json, ct);
        await output.FlushAsync(ct);
    }

    private static async Task WriteEntriesAsync(Record record, Stream output, IBlobStore store, JsonSerializerOptions json, CancellationToken ct)
    {
        await using var zip = await ZipArchive.CreateAsync(output, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, ct);
        var written = new HashSet<string>();
        foreach (var (path, key) in record.Files)
        {
            await using var photo = await store.OpenReadAsync(key, ct);
            if (photo is null) continue;
            // JPEG is compressed already.
            var entry = zip.CreateEntry(path, CompressionLevel.NoCompression);
            await using (var target = await entry.OpenAsync(ct))
                await photo.CopyToAsync(target, ct);
            written.Add(path);
        }

        var final = record with
        {
            Sessions = record.Sessions.Select(s => s with
            {
                Images = s.Images.Select(i => i.File is { } file && !written.Contains(file) ? i with { File = null } : i).ToList(),
            }).ToList(),
        };
        var recordEntry = zip.CreateEntry(RecordFile, CompressionLevel.Optimal);
        await using var recordStream = await recordEntry.OpenAsync(ct);
        await JsonSerializer.SerializeAsync(recordStream, final, json, ct);
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/patients/{{id:guid}}/record", async (Guid id, ISender sender, IBlobStore store, IOptions<JsonOptions> json, CancellationToken ct) =>
                {
                    var record = await sender.Send(new Query(id), ct);
                    return Results.Stream(output => WriteZipAsync(record, output, store, json.Value.SerializerOptions, ct),
                        "application/zip", $"patient-record-{id}.zip");
                })
                .WithTags("Patients").WithName("ExportPatientRecord").RequireAuthorization()
                .WithSummary("Download a patient's full record (GDPR)")
                .WithDescription(
                    "A ZIP streamed as it is made: `record.json` (format `orthoscan-patient-record/1`: profile and consent record, " +
                    "sessions with their photos' metadata, tag sets, actions, messages, and who accessed the record, as user ids " +
                    "and roles from the audit trail) and the EXIF-free full-size photos under `images/{sessionId}/{view}.jpg`. " +
                    "Audited. 410 `patient-erased` for an erased patient.")
                .Produces(StatusCodes.Status200OK, contentType: "application/zip")
                .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status410Gone);
    }
}

/// <summary>
/// ZipArchive still writes its small headers synchronously, which the response body refuses: those bytes are held here
/// and sent with the next asynchronous write or flush, so memory stays bounded by a header while photos stream through.
/// </summary>
internal sealed class HeaderBufferingStream(Stream inner) : Stream
{
    private readonly MemoryStream _pending = new();
    private long _written;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _written; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _pending.Write(buffer);
        _written += buffer.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) => WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        await SendPendingAsync(ct);
        await inner.WriteAsync(buffer, ct);
        _written += buffer.Length;
    }

    // A synchronous flush only has somewhere to go at the next asynchronous call.
    public override void Flush() { }

    public override async Task FlushAsync(CancellationToken ct)
    {
        await SendPendingAsync(ct);
        await inner.FlushAsync(ct);
    }

    private async ValueTask SendPendingAsync(CancellationToken ct)
    {
        if (_pending.Length == 0) return;
        await inner.WriteAsync(_pending.GetBuffer().AsMemory(0, (int)_pending.Length), ct);
        _pending.SetLength(0);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        await SendPendingAsync(CancellationToken.None);
        await _pending.DisposeAsync();
        await base.DisposeAsync();
    }
}
