namespace OrthoScan.Api.Tests.Contract;

/// <summary>GET /dashboard/feed (a page of these): ready scans waiting for review, oldest first.</summary>
public sealed record ReviewFeedItemDto(
    Guid SessionId,
    Guid PatientId,
    string PatientName,
    int CurrentStage,
    int TotalStages,
    int AlignerNumber,
    DateTime SubmittedAt,
    int? LowestQualityScore,
    IReadOnlyList<string> QualityFlags,
    IReadOnlyList<FeedImageDto> Images);

public sealed record FeedImageDto(ImageType ImageType, int? QualityScore, string? ThumbnailUrl);

/// <summary>GET /dashboard/compliance.</summary>
public sealed record ComplianceDto(IReadOnlyList<ComplianceItemDto> Items, bool Truncated);

public sealed record ComplianceItemDto(
    Guid PatientId,
    string PatientName,
    ScanFrequency ScanFrequency,
    string Timezone,
    DateTime? LastScanAt,
    DateOnly DueOn,
    int DaysOverdue,
    int MissedScans90d,
    IReadOnlyList<int> TrackingTrend,
    PatientStatus Status);
