namespace OrthoScan.Api.Tests.Contract;

/// <summary>
/// A scan session as create, submit and read answer it. <c>previous</c> (null for a first scan) and <c>aiSuggestions</c>
/// (empty for the patient) are always written; <c>aiNotice</c> says what suggestions are whenever there are some (else null).
/// </summary>
public sealed record ScanSessionDto(
    Guid Id,
    Guid PatientId,
    int AlignerNumber,
    ScanSessionStatus Status,
    DateTime CreatedAt,
    DateTime? SubmittedAt,
    DateTime? ProcessedAt,
    string? PatientFeedback,
    IReadOnlyList<ScanImageDto> Images,
    PreviousScanDto? Previous,
    IReadOnlyList<AiSuggestionDto> AiSuggestions,
    string? AiNotice);

public sealed record ScanImageDto(
    Guid Id,
    ImageType ImageType,
    ScanImageStatus Status,
    int? QualityScore,
    IReadOnlyList<string> QualityIssues,
    IReadOnlyList<string> RetakeReasons,
    int? Width,
    int? Height,
    DateTime? CapturedAt,
    ImageUrlsDto? Urls);

/// <summary>Short-lived links to the EXIF-free derivatives; null until the photo is processed.</summary>
public sealed record ImageUrlsDto(string Thumbnail, string Display, string Full, DateTime ExpiresAt);

/// <summary>The patient's scan before this one, for side-by-side comparison.</summary>
public sealed record PreviousScanDto(Guid Id, int AlignerNumber, DateTime? SubmittedAt, IReadOnlyList<PreviousImageDto> Images);

public sealed record PreviousImageDto(ImageType ImageType, ImageUrlsDto? Urls);

/// <summary>POST /scans/upload-url: where and how the app puts one photo.</summary>
public sealed record UploadGrantDto(Guid ImageId, string Url, string Method, IReadOnlyDictionary<string, string> Headers, DateTime ExpiresAt);

/// <summary>GET /patients/{id}/sessions: each scan with the outcome of its first review (null until reviewed).</summary>
public sealed record TimelineItemDto(
    Guid Id,
    Guid PatientId,
    int AlignerNumber,
    ScanSessionStatus Status,
    DateTime CreatedAt,
    DateTime? SubmittedAt,
    DateTime? ProcessedAt,
    string? PatientFeedback,
    IReadOnlyList<ScanImageDto> Images,
    ReviewOutcomeDto? Outcome);

public sealed record ReviewOutcomeDto(
    int OverallTracking,
    int? AlignerFit,
    int OralHygiene,
    ReviewAction Action,
    int? HoldDays,
    int? StageAfter,
    DateTime ReviewedAt,
    string ReviewerName,
    IReadOnlyList<string> DetailTags);

public enum ScanSessionStatus { Pending, Processing, Ready, NeedsRetake, Reviewed, Flagged }

public enum ScanImageStatus { AwaitingUpload, Uploaded, Processed, Rejected }

public enum ImageType { Frontal, BuccalL, BuccalR, OcclusalU, OcclusalL }
