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
