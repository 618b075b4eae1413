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
}
