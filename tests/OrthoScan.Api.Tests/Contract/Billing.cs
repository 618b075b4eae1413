namespace OrthoScan.Api.Tests.Contract;

public enum BillingMode { Offline, Stripe }

/// <summary>GET /billing/plans.</summary>
public sealed record BillingPlansDto(BillingMode Mode, int TrialDays, IReadOnlyList<BillingPlanDto> Items);

public sealed record BillingPlanDto(SubscriptionTier Plan, long MonthlyPriceMinor, string Currency, int? ActivePatientLimit);

/// <summary>POST /billing/checkout.</summary>
public sealed record CheckoutDto(BillingMode Mode, string? CheckoutUrl, SubscriptionDto Subscription);

public enum SubscriptionStatus { None, Trialing, Active, PastDue, Canceled, Incomplete }

/// <summary>GET /billing/subscription.</summary>
public sealed record SubscriptionDto(
    BillingMode Mode, SubscriptionTier Plan, SubscriptionStatus Status, DateTime? TrialEndsAt, DateTime? CurrentPeriodStart, DateTime? CurrentPeriodEnd,
    DateTime? PastDueSince, DateTime? GraceEndsAt, bool Restricted, int ActivePatients, int? ActivePatientLimit,
    NextInvoiceDto? NextInvoice, GrantedDiscountDto? Discount, TaggingProgressDto TaggingProgress);

public sealed record NextInvoiceDto(DateTime PeriodStart, DateTime PeriodEnd, long SubtotalMinor, long DiscountMinor, long TotalMinor, string Currency);

public enum GrantedDiscountStatus { Approved, Adjusted }

public sealed record GrantedDiscountDto(
    Guid ProposalId, DateTime PeriodStart, DateTime PeriodEnd, decimal Rate, decimal Percent, GrantedDiscountStatus Status, DateTime? AppliedAt, string? AppliedTo);

public sealed record TaggingProgressDto(
    DateTime PeriodStart, DateTime PeriodEnd, int Received, int Tagged, decimal? Rate, decimal CurrentPercent, DiscountTierDto? NextTier, int? SessionsToNextTier);

public sealed record DiscountTierDto(decimal MinRatePercent, decimal DiscountPercent);

public enum InvoiceStatus { Open, Paid, Void, Uncollectible }

/// <summary>GET /billing/invoices (items).</summary>
public sealed record InvoiceDto(
    Guid Id, string Number, DateTime PeriodStart, DateTime PeriodEnd, long SubtotalMinor, long DiscountMinor, long TotalMinor, string Currency,
    InvoiceStatus Status, string? HostedUrl, DateTime CreatedAt);

/// <summary>POST /billing/portal.</summary>
public sealed record PortalDto(string Url);
