namespace OrthoScan.Api.Tests.Contract;

/// <summary>GET /admin/tagging-rates (items) and POST /admin/tagging-rates/{id}/decision: one practice's proposal for one period.</summary>
public sealed record TaggingRateDto(
    Guid Id, Guid PracticeId, string PracticeName, SubscriptionTier Plan, DateTime PeriodStart, DateTime PeriodEnd,
    int SessionsReceived, int SessionsTagged, decimal Rate, decimal ProposedPercent, decimal? ApprovedPercent, long AmountMinor, string Currency,
    DiscountStatus Status, string? DecisionReason, DateTime? DecidedAt, DateTime? AppliedAt, IReadOnlyList<TrendPointDto> Trend);

public sealed record TrendPointDto(DateTime PeriodStart, decimal Rate);

public enum DiscountStatus { Proposed, Approved, Adjusted, Rejected }

/// <summary>GET /admin/tagging-rates/forecast.</summary>
public sealed record DiscountForecastDto(DateTime PeriodStart, DateTime PeriodEnd, int Practices, long AmountMinor, string Currency);
