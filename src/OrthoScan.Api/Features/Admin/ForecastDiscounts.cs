using Microsoft.Extensions.Options;
using OrthoScan.Api.Infrastructure.Billing;

namespace OrthoScan.Api.Features.Admin;

/// <summary>
/// What this period's tagging-rate discounts would cost if it closed now: the current calendar-month period so far, per
/// practice the discount its rate reaches today (<see cref="PeriodTagging"/>, <see cref="DiscountPolicy"/>, as the close
/// will count it) of its plan's monthly price, summed. Practices are listed through the platform read path and each is
/// counted inside its own scope, as <see cref="CloseBillingPeriod"/> does; nothing of a patient leaves that scope.
/// </summary>
public static class ForecastDiscounts
{
    [RequiresRole(Role.Finance, Role.PlatformAdmin)]
    public sealed record Query : IQuery<Response>;

    /// <param name="Practices">Practices whose rate so far earns a discount.</param>
    /// <param name="AmountMinor">The sum of their discounts on their plans' monthly prices, in minor units of <paramref name="Currency"/>.</param>
    public sealed record Response(DateTime PeriodStart, DateTime PeriodEnd, int Practices, long AmountMinor, string Currency);

    private sealed record PracticePlan(Guid PracticeId, string SubscriptionTier);

    public sealed class Handler(
        AppDbContext db, IServiceScopeFactory scopes, IOptions<DiscountOptions> discounts, IOptions<BillingOptions> billing, TimeProvider clock)
        : IQueryHandler<Query, Response>
    {
        public async ValueTask<Response> Handle(Query query, CancellationToken ct)
        {
            var period = BillingPeriod.CalendarMonthUtc(clock.UtcNow());
            var practices = await db.Database
                .SqlQueryRaw<PracticePlan>($"SELECT practice_id, subscription_tier FROM {PlatformReadSql.PracticeOverview}()")
                .ToListAsync(ct);
            var earning = 0;
            var amount = 0L;
            foreach (var practice in practices)
            {
                var percent = await PercentSoFarAsync(practice.PracticeId, period, ct);
                if (percent == 0) continue;
                earning++;
                var plan = billing.Value.PlanFor(Enum.Parse<SubscriptionTier>(practice.SubscriptionTier, ignoreCase: true));
                amount += ListTaggingRates.AmountMinor(DiscountProposalStatus.Proposed, percent, plan);
            }
            return new Response(period.Start, period.End, earning, amount, billing.Value.Currency);
        }

        private async Task<decimal> PercentSoFarAsync(Guid practiceId, BillingPeriod period, CancellationToken ct)
        {
            await using var scope = scopes.CreateAsyncScope();
            var services = scope.ServiceProvider;
            await services.GetRequiredService<TenantScope>().EnterPracticeAsWorkerAsync(practiceId, ct);
            var counts = await PeriodTagging.CountAsync(services.GetRequiredService<AppDbContext>(), practiceId, period, ct);
            return DiscountPolicy.PercentFor(counts, discounts.Value.EffectiveTiers);
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/admin/tagging-rates/forecast", async (ISender sender, CancellationToken ct) =>
                    Results.Ok(await sender.Send(new Query(), ct)))
                .WithTags("Admin").WithName("ForecastDiscounts").RequireAuthorization()
                .WithSummary("Forecast this period's discount cost (finance, platform admin)")
                .WithDescription(
                    "The current billing period (calendar month, UTC) so far at current rates: for each practice, the discount tier " +
                    "its tagging rate reaches now, of its plan's monthly price. `practices` counts those that earn a discount; " +
                    "`amountMinor` is their sum. Aggregates only: no patient's identity.")
                .WithResponseExample(new Response(
                    new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc), 12, 58_470, "usd"))
                .Produces<Response>().ProducesProblem(StatusCodes.Status403Forbidden);
    }
}
