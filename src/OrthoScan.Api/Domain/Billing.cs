namespace OrthoScan.Api.Domain;

/// <summary>
/// The tagging-rate discount the period close proposes for one practice and billing period, for finance to review.
/// Counts and rate only: no patient. One per (practice, period start).
/// </summary>
public sealed class DiscountProposal : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid PracticeId { get; set; }
    public DateTime PeriodStart { get; set; }
    /// <summary>Exclusive.</summary>
    public DateTime PeriodEnd { get; set; }
    public int SessionsReceived { get; set; }
    public int SessionsTagged { get; set; }
    /// <summary>Tagged / received, 0-1, rounded to four places (the percent was decided on the exact counts).</summary>
    public decimal Rate { get; set; }
    public decimal ProposedPercent { get; set; }
    public DiscountProposalStatus Status { get; set; } = DiscountProposalStatus.Proposed;
    public DateTime CreatedAt { get; set; }

    /// <summary>The percent finance granted: the proposed one when approved, its own when adjusted, null until decided or when rejected.</summary>
    public decimal? ApprovedPercent { get; set; }
    /// <summary>Why finance adjusted or rejected the proposal; required for an adjustment.</summary>
    public string? DecisionReason { get; set; }
    /// <summary>The finance user who decided (a platform user, not a practice member).</summary>
    public Guid? DecidedBy { get; set; }
    public DateTime? DecidedAt { get; set; }
    /// <summary>When the granted discount reached an invoice (a Stripe coupon on the subscription, or an offline invoice).</summary>
    public DateTime? AppliedAt { get; set; }
    /// <summary>Where it was applied: the Stripe coupon id or the offline invoice number.</summary>
    public string? AppliedTo { get; set; }
}

/// <summary>Who bills the practice: nobody outside (offline, the embedded default) or Stripe.</summary>
public enum BillingProvider { Offline, Stripe }

public enum SubscriptionStatus { Trialing, Active, PastDue, Canceled, Incomplete }

public enum InvoiceStatus { Open, Paid, Void, Uncollectible }

/// <summary>
/// A practice's subscription, one per practice. Its plan is kept in step with <see cref="Practice.SubscriptionTier"/>,
/// which the platform overview reads. Stripe ids only: the customer holds the practice's name and billing email, nothing else.
/// </summary>
public sealed class PracticeSubscription : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid PracticeId { get; set; }
    public SubscriptionTier Plan { get; set; }
    public SubscriptionStatus Status { get; set; }
    public BillingProvider Provider { get; set; }
    public string? StripeCustomerId { get; set; }
    public string? StripeSubscriptionId { get; set; }
    public DateTime? TrialEndsAt { get; set; }
    public DateTime? CurrentPeriodStart { get; set; }
    /// <summary>Exclusive; the offline invoice job writes the period's invoice once this has passed.</summary>
    public DateTime? CurrentPeriodEnd { get; set; }
    /// <summary>Since when the subscription is past due (set on the first past-due state, cleared when it leaves it).</summary>
    public DateTime? PastDueSince { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>One invoice of a practice: written by the offline invoice job or mirrored from Stripe. Money in minor units.</summary>
public sealed class Invoice : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid PracticeId { get; set; }
    public required string Number { get; set; }
    public BillingProvider Provider { get; set; }
    public string? StripeInvoiceId { get; set; }
    public DateTime PeriodStart { get; set; }
    public DateTime PeriodEnd { get; set; }
    public long SubtotalMinor { get; set; }
    public long DiscountMinor { get; set; }
    public long TotalMinor { get; set; }
    public required string Currency { get; set; }
    public InvoiceStatus Status { get; set; }
    public string? HostedUrl { get; set; }
    /// <summary>The granted discount this invoice applied, if any.</summary>
    public Guid? DiscountProposalId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? PaidAt { get; set; }
}

/// <summary>
/// The Stripe webhook inbox: one row per event id, so an event delivered any number of times has one effect. Not tenant
/// data (ADR 0012): the event id and type only, never the payload.
/// </summary>
public sealed class StripeEvent
{
    public required string EventId { get; set; }
    public required string Type { get; set; }
    public DateTime ReceivedAt { get; set; }
    public DateTime? ProcessedAt { get; set; }
}
