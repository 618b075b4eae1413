using Microsoft.Extensions.Options;
using OrthoScan.Api.Infrastructure.Billing;

namespace OrthoScan.Api.Features.Billing;

/// <summary>The owner's view of the practice's subscription (GET /billing/subscription, and what checkout answers).</summary>
public sealed record SubscriptionResponse(
    BillingMode Mode, SubscriptionTier Plan, SubscriptionView.Status Status, DateTime? TrialEndsAt, DateTime? CurrentPeriodStart, DateTime? CurrentPeriodEnd,
    DateTime? PastDueSince, DateTime? GraceEndsAt, bool Restricted, int ActivePatients, int? ActivePatientLimit,
    NextInvoice? NextInvoice, GrantedDiscount? Discount, TaggingProgress TaggingProgress);

/// <summary>What the next invoice will be, computed as the invoice job computes it (<see cref="InvoiceCalculation"/>).</summary>
public sealed record NextInvoice(DateTime PeriodStart, DateTime PeriodEnd, long SubtotalMinor, long DiscountMinor, long TotalMinor, string Currency);

/// <summary>The latest discount finance granted, and where it was applied once it was.</summary>
public sealed record GrantedDiscount(
    Guid ProposalId, DateTime PeriodStart, DateTime PeriodEnd, decimal Rate, decimal Percent, DiscountProposalStatus Status, DateTime? AppliedAt, string? AppliedTo);

/// <summary>This calendar month so far: how much was tagged, the discount it reaches now and what the next tier needs.</summary>
public sealed record TaggingProgress(
    DateTime PeriodStart, DateTime PeriodEnd, int Received, int Tagged, decimal? Rate, decimal CurrentPercent, DiscountTier? NextTier, int? SessionsToNextTier);

public static class SubscriptionView
{
    public enum Status { None, Trialing, Active, PastDue, Canceled, Incomplete }

    public sealed class Builder(
        AppDbContext db, RequestContext context, IOptions<BillingOptions> plans, IOptions<BillingRuntimeOptions> options,
        IOptions<DiscountOptions> discounts, TimeProvider clock)
    {
        public async Task<SubscriptionResponse> BuildAsync(CancellationToken ct)
        {
            var practiceId = context.RequirePractice();
            var now = clock.UtcNow();
            var subscription = await db.PracticeSubscriptions.AsNoTracking().SingleOrDefaultAsync(ct);
            var tier = subscription?.Plan ?? await db.Practices.Where(p => p.Id == practiceId).Select(p => p.SubscriptionTier).SingleAsync(ct);
            var plan = plans.Value.PlanFor(tier);
            var pending = await InvoiceCalculation.PendingDiscountAsync(db, ct);
            var granted = await db.DiscountProposals.AsNoTracking()
                .Where(p => p.Status == DiscountProposalStatus.Approved || p.Status == DiscountProposalStatus.Adjusted)
                .OrderByDescending(p => p.PeriodStart).FirstOrDefaultAsync(ct);

            NextInvoice? next = null;
            if (subscription is { CurrentPeriodStart: { } start, CurrentPeriodEnd: { } end } && subscription.Status is not SubscriptionStatus.Canceled)
            {
                // A trial is free: the first invoice is for the period after it.
                var (from, to) = subscription.Status == SubscriptionStatus.Trialing ? (end, end.AddMonths(1)) : (start, end);
                var amounts = InvoiceCalculation.For(plan, pending?.ApprovedPercent);
                next = new NextInvoice(from, to, amounts.SubtotalMinor, amounts.DiscountMinor, amounts.TotalMinor, amounts.Currency);
            }

            return new SubscriptionResponse(
                options.Value.Mode, tier, subscription is null ? Status.None : (Status)(subscription.Status + 1),
                subscription?.TrialEndsAt, subscription?.CurrentPeriodStart, subscription?.CurrentPeriodEnd, subscription?.PastDueSince,
                subscription is null ? null : SubscriptionState.GraceEndsAt(subscription, options.Value),
                subscription is not null && SubscriptionState.IsRestricted(subscription, options.Value, now),
                await BillingGate.CountHoldingAsync(db, ct), plan.ActivePatientLimit, next,
                granted is null ? null : new GrantedDiscount(granted.Id, granted.PeriodStart, granted.PeriodEnd, granted.Rate, granted.ApprovedPercent!.Value,
                    granted.Status, granted.AppliedAt, granted.AppliedTo),
                await ProgressAsync(practiceId, now, ct));
        }

        private async Task<TaggingProgress> ProgressAsync(Guid practiceId, DateTime now, CancellationToken ct)
        {
            var period = BillingPeriod.CalendarMonthUtc(now);
            var counts = await PeriodTagging.CountAsync(db, practiceId, period, ct);
            var tiers = discounts.Value.EffectiveTiers;
            var percent = DiscountPolicy.PercentFor(counts, tiers);
            var nextTier = tiers.Where(t => t.DiscountPercent > percent).OrderBy(t => t.MinRatePercent).FirstOrDefault();
            return new TaggingProgress(period.Start, period.End, counts.Received, counts.Tagged, counts.Rate is { } rate ? Math.Round(rate, 4) : null,
                percent, nextTier, SessionsToReach(nextTier, counts));
        }
    }

    /// <summary>More sessions of the period that need a complete tag set for <paramref name="tier"/> at the current received count.</summary>
    public static int? SessionsToReach(DiscountTier? tier, DiscountPolicy.Counts counts) =>
        tier is null || counts.Received == 0 ? null : Math.Max(0, (int)Math.Ceiling(tier.MinRatePercent * counts.Received / 100m) - counts.Tagged);
}
