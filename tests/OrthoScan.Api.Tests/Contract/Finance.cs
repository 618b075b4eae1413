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

/// <summary>GET /admin/billing: MRR by plan, past-due practices and the discounts of recent periods.</summary>
public sealed record BillingOverviewDto(
    BillingMode Mode, string Currency, long MrrMinor, IReadOnlyList<PlanRevenueDto> Plans, IReadOnlyList<PastDuePracticeDto> PastDue,
    IReadOnlyList<PeriodDiscountsDto> Discounts);

public sealed record PlanRevenueDto(SubscriptionTier Plan, int Practices, long MrrMinor);

public sealed record PastDuePracticeDto(Guid PracticeId, string PracticeName, DateTime Since, DateTime GraceEndsAt);

public sealed record PeriodDiscountsDto(DateTime PeriodStart, DateTime PeriodEnd, int Proposed, int Approved, int Rejected, long GrantedAmountMinor);
