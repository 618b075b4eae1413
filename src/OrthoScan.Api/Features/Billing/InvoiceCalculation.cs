using OrthoScan.Api.Infrastructure.Billing;

namespace OrthoScan.Api.Features.Billing;

/// <summary>
/// One period's invoice, as a pure function: the plan's monthly price less the granted discount not applied yet. The
/// offline invoice job writes it and the subscription answers it as the next invoice, so the two never disagree.
/// </summary>
public static class InvoiceCalculation
{
    public sealed record Amounts(long SubtotalMinor, long DiscountMinor, long TotalMinor, string Currency);

    /// <param name="discountPercent">The granted percent (0-100) to apply, or null for none.</param>
    public static Amounts For(PlanOptions plan, decimal? discountPercent)
    {
        var percent = Math.Clamp(discountPercent ?? 0, 0, 100);
        // Half a cent goes to the practice's favour: a discount rounds away from zero.
        var discount = (long)Math.Round(plan.MonthlyPriceMinor * percent / 100m, MidpointRounding.AwayFromZero);
        return new Amounts(plan.MonthlyPriceMinor, discount, plan.MonthlyPriceMinor - discount, plan.Currency);
    }

    /// <summary>The granted discount an invoice applies next: the latest approved or adjusted proposal not applied yet.</summary>
    public static Task<DiscountProposal?> PendingDiscountAsync(AppDbContext db, CancellationToken ct) =>
        db.DiscountProposals
            .Where(p => (p.Status == DiscountProposalStatus.Approved || p.Status == DiscountProposalStatus.Adjusted) && p.AppliedAt == null)
            .OrderByDescending(p => p.PeriodStart).FirstOrDefaultAsync(ct);
}
