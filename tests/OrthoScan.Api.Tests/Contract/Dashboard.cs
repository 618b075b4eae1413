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

/// <summary>GET /dashboard/analytics: the window's weeks, review speed, tagging rate, score distributions and AI acceptance.</summary>
public sealed record DashboardAnalyticsDto(
    DateOnly From,
    DateOnly To,
    IReadOnlyList<AnalyticsWeekDto> Weeks,
    double? MedianMinutesToReview,
    double? MedianReviewSeconds,
    double? TaggingRate,
    IReadOnlyList<ScoreDistributionDto> Scores,
    IReadOnlyList<AiAcceptanceDto> AiAcceptance,
    DateTime GeneratedAt);

public sealed record AnalyticsWeekDto(DateOnly WeekStart, int Received, int Reviewed);

/// <summary>A taxonomy score's attribute key and the count of every one of its values, in the taxonomy's order.</summary>
public sealed record ScoreDistributionDto(string Attribute, IReadOnlyList<ValueCountDto> Values);

public sealed record ValueCountDto(string Value, int Count);

public sealed record AiAcceptanceDto(string Attribute, int Suggested, int Accepted, double? Rate);
