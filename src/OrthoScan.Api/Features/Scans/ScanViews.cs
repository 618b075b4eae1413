using OrthoScan.Api.Infrastructure.Ai;
using OrthoScan.Api.Infrastructure.Storage;

namespace OrthoScan.Api.Features.Scans;

/// <summary>What the app and the dashboard see of a scan session; shared by the slices that answer one.</summary>
public sealed record SessionResponse(
    Guid Id,
    Guid PatientId,
    int AlignerNumber,
    ScanSessionStatus Status,
    DateTime CreatedAt,
    DateTime? SubmittedAt,
    DateTime? ProcessedAt,
    string? PatientFeedback,
    IReadOnlyList<ImageResponse> Images,
    PreviousSession? Previous = null)
{
    /// <summary>The latest model run's suggestions, for the practice's review screen; always empty for the patient.</summary>
    public IReadOnlyList<AiSuggestions.Suggestion> AiSuggestions { get; init; } = [];

    /// <summary>With suggestions, says what they are: non-diagnostic aids that a doctor confirms or changes; null without.</summary>
    public string? AiNotice => AiSuggestions.Count > 0 ? AiTaxonomy.Notice : null;
}

/// <summary>The patient's scan before this one, for side-by-side comparison of each view.</summary>
public sealed record PreviousSession(Guid Id, int AlignerNumber, DateTime? SubmittedAt, IReadOnlyList<PreviousImage> Images);

public sealed record PreviousImage(ImageType ImageType, ImageUrls? Urls);

public sealed record ImageResponse(
    Guid Id,
    ImageType ImageType,
    ScanImageStatus Status,
    int? QualityScore,
    IReadOnlyList<string> QualityIssues,
    IReadOnlyList<string> RetakeReasons,
    int? Width,
    int? Height,
    DateTime? CapturedAt,
    ImageUrls? Urls);

/// <summary>Short-lived links to the EXIF-free derivatives.</summary>
public sealed record ImageUrls(string Thumbnail, string Display, string Full, DateTime ExpiresAt);

public static class ScanViews
{
    public static readonly ImageType[] AllViews = Enum.GetValues<ImageType>();

    public static SessionResponse ToResponse(ScanSession session, IEnumerable<ScanImage> images, IBlobStore store, DateTime now) => new(
        session.Id, session.PatientId, session.AlignerNumber, session.Status, session.CreatedAt, session.SubmittedAt, session.ProcessedAt,
        session.PatientFeedback, images.OrderBy(i => i.ImageType).Select(i => ToResponse(i, store, now)).ToList());

    public static ImageResponse ToResponse(ScanImage image, IBlobStore store, DateTime now) => new(
        image.Id, image.ImageType, image.Status, image.QualityScore, image.QualityIssues, image.RetakeReasons, image.Width, image.Height,
        image.CapturedAt, Urls(image, store, now));

    public static ImageUrls? Urls(ScanImage image, IBlobStore store, DateTime now) =>
        image is { ThumbnailKey: { } thumb, DisplayKey: { } display, FullKey: { } full }
            ? new ImageUrls(
                store.CreateDownloadUrl(thumb, PhotoLinks.Lifetime).ToString(),
                store.CreateDownloadUrl(display, PhotoLinks.Lifetime).ToString(),
                store.CreateDownloadUrl(full, PhotoLinks.Lifetime).ToString(),
                now.Add(PhotoLinks.Lifetime))
            : null;

    public sealed record TimelineCursor(DateTime CreatedAt, Guid Id);

    /// <summary>One keyset page of a patient's scans, newest first, with their photos (the timeline, the app's list).</summary>
    public static async Task<(List<ScanSession> Rows, ILookup<Guid, ScanImage> Images, int Limit)> PatientPageAsync(
        AppDbContext db, Guid patientId, string? cursor, int? limit, CancellationToken ct)
    {
        var size = Paging.Limit(limit);
        var sessions = db.ScanSessions.AsNoTracking().Where(s => s.PatientId == patientId);
        if (Paging.Decode<TimelineCursor>(cursor) is { } after)
            sessions = sessions.Where(s => s.CreatedAt < after.CreatedAt || (s.CreatedAt == after.CreatedAt && s.Id.CompareTo(after.Id) < 0));
        var rows = await sessions.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id).Take(size + 1).ToListAsync(ct);
        var ids = rows.Select(s => s.Id).ToList();
        var images = (await db.ScanImages.AsNoTracking().Where(i => ids.Contains(i.SessionId)).ToListAsync(ct)).ToLookup(i => i.SessionId);
        return (rows, images, size);
    }

    /// <summary>A session for a patient: the patient sees only their own, the practice sees all of its patients'.</summary>
    public static async Task<ScanSession> FindVisibleAsync(AppDbContext db, RequestContext context, Guid sessionId, CancellationToken ct, bool track = false)
    {
        var sessions = track ? db.ScanSessions : db.ScanSessions.AsNoTracking();
        var session = await sessions.SingleOrDefaultAsync(s => s.Id == sessionId, ct);
        if (session is null || (context.Role == Role.Patient && session.PatientId != context.PatientId))
            throw new NotFoundException("scan session");
        return session;
    }
}
