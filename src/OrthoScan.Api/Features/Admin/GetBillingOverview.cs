using Microsoft.Extensions.Options;
using OrthoScan.Api.Features.Billing;
using OrthoScan.Api.Infrastructure.Billing;

namespace OrthoScan.Api.Features.Admin;

/// <summary>
/// The platform admin's billing console: monthly recurring revenue by plan, the practices whose payment failed (with when
/// their grace ends), and the tagging-rate discounts per period as finance decided them. Read through the platform read
/// path (<c>platform_subscription_overview()</c>, <c>platform_discount_proposals()</c>; ADR 0009): money and counts per
/// practice, never a patient. Prices come from the plans' configuration, so MRR is what the plans cost today.
/// </summary>
public static class GetBillingOverview
{
    /// <summary>Periods of discounts shown, newest first.</summary>
    public const int DiscountPeriods = 12;

    [RequiresRole(Role.PlatformAdmin, Role.Finance)]
    public sealed record Query : IQuery<Response>;

    /// <param name="Practices">Practices on the plan with a live subscription (trialing, active or past due).</param>
    /// <param name="MrrMinor">What the plan's paying practices (active or past due; a trial pays nothing yet) bring in a month.</param>
    public sealed record PlanRevenue(SubscriptionTier Plan, int Practices, long MrrMinor);

    public sealed record PastDuePractice(Guid PracticeId, string PracticeName, DateTime Since, DateTime GraceEndsAt);

    /// <param name="Approved">Approved or adjusted.</param>
    /// <param name="GrantedAmountMinor">The approved and adjusted discounts' worth on each practice's plan.</param>
    public sealed record PeriodDiscounts(DateTime PeriodStart, DateTime PeriodEnd, int Proposed, int Approved, int Rejected, long GrantedAmountMinor);

    public sealed record Response(
        BillingMode Mode, string Currency, long MrrMinor, IReadOnlyList<PlanRevenue> Plans, IReadOnlyList<PastDuePractice> PastDue,
        IReadOnlyList<PeriodDiscounts> Discounts);

    /// <summary>A row of <c>platform_subscription_overview()</c>, by the model's snake_case names.</summary>
    private sealed record SubscriptionRow(Guid PracticeId, string PracticeName, string Plan, string Status, DateTime? PastDueSince);

    public sealed class Handler(AppDbContext db, IOptions<BillingOptions> billing, IOptions<BillingRuntimeOptions> runtime) : IQueryHandler<Query, Response>
    {
        private static readonly string[] Live = ["trialing", "active", "past_due"];
        private static readonly string[] Paying = ["active", "past_due"];

        public async ValueTask<Response> Handle(Query query, CancellationToken ct)
        {
            var options = billing.Value;
            var subscriptions = await db.Database
                .SqlQueryRaw<SubscriptionRow>($"SELECT practice_id, practice_name, plan, status, past_due_since FROM {PlatformReadSql.SubscriptionOverview}()")
                .ToListAsync(ct);
            var plans = Enum.GetValues<SubscriptionTier>().Select(tier =>
            {
                var onPlan = subscriptions.Where(s => PlanOf(s) == tier).ToList();
                var paying = onPlan.Count(s => Paying.Contains(s.Status));
                return new PlanRevenue(tier, onPlan.Count(s => Live.Contains(s.Status)), paying * options.PlanFor(tier).MonthlyPriceMinor);
            }).ToList();
            var pastDue = subscriptions.Where(s => s.Status == "past_due" && s.PastDueSince is not null)
                .OrderBy(s => s.PastDueSince).ThenBy(s => s.PracticeName)
                .Select(s => new PastDuePractice(s.PracticeId, s.PracticeName, s.PastDueSince!.Value, s.PastDueSince.Value + runtime.Value.GracePeriod))
                .ToList();
            return new Response(runtime.Value.Mode, options.Currency, plans.Sum(p => p.MrrMinor), plans, pastDue, await DiscountsAsync(options, ct));
        }

        private async Task<List<PeriodDiscounts>> DiscountsAsync(BillingOptions options, CancellationToken ct)
        {
            var proposals = await ListTaggingRates.Proposals(db).ToListAsync(ct);
            return [.. proposals.GroupBy(p => (p.PeriodStart, p.PeriodEnd))
                .OrderByDescending(g => g.Key.PeriodStart).Take(DiscountPeriods)
                .Select(g =>
                {
                    var statuses = g.Select(p => (Row: p, Status: Enum.Parse<DiscountProposalStatus>(p.Status, ignoreCase: true))).ToList();
                    var granted = statuses.Where(s => s.Status is DiscountProposalStatus.Approved or DiscountProposalStatus.Adjusted).ToList();
                    return new PeriodDiscounts(
                        g.Key.PeriodStart, g.Key.PeriodEnd,
                        statuses.Count(s => s.Status == DiscountProposalStatus.Proposed), granted.Count,
                        statuses.Count(s => s.Status == DiscountProposalStatus.Rejected),
                        granted.Sum(s => ListTaggingRates.AmountMinor(s.Status, s.Row.ApprovedPercent!.Value,
                            options.PlanFor(Enum.Parse<SubscriptionTier>(s.Row.SubscriptionTier, ignoreCase: true)))));
                })];
        }

        private static SubscriptionTier PlanOf(SubscriptionRow row) => Enum.Parse<SubscriptionTier>(row.Plan, ignoreCase: true);
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/admin/billing", async (ISender sender, CancellationToken ct) =>
                    Results.Ok(await sender.Send(new Query(), ct)))
                .WithTags("Admin").WithName("GetBillingOverview").RequireAuthorization()
                .WithSummary("Billing overview (platform admin, finance)")
                .WithDescription(
                    "Monthly recurring revenue in total and per plan (active and past-due subscriptions at the plan's configured price; " +
                    "`practices` also counts trials), the practices whose payment failed with the end of their grace period, and the " +
                    "tagging-rate discounts of the last 12 periods (proposed, approved or adjusted, rejected, and the granted amount). " +
                    "Aggregates only, through the platform read path: no patient's identity.")
                .Produces<Response>().ProducesProblem(StatusCodes.Status403Forbidden);
    }
}
