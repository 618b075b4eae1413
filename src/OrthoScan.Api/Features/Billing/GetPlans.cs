using Microsoft.Extensions.Options;
using OrthoScan.Api.Infrastructure.Billing;

namespace OrthoScan.Api.Features.Billing;

/// <summary>The plans an owner may choose, with their prices and patient limits, and whether billing is offline.</summary>
public static class GetPlans
{
    [RequiresRole(Role.Owner)]
    public sealed record Query : IQuery<Response>;

    public sealed record Response(BillingMode Mode, int TrialDays, IReadOnlyList<PlanItem> Items);

    public sealed record PlanItem(SubscriptionTier Plan, long MonthlyPriceMinor, string Currency, int? ActivePatientLimit);

    public sealed class Handler(IOptions<BillingOptions> plans, IOptions<BillingRuntimeOptions> options) : IQueryHandler<Query, Response>
    {
        public ValueTask<Response> Handle(Query query, CancellationToken ct) => ValueTask.FromResult(new Response(
            options.Value.Mode, plans.Value.TrialDays,
            [.. plans.Value.EffectivePlans.OrderBy(p => p.Key).Select(p => new PlanItem(p.Key, p.Value.MonthlyPriceMinor, p.Value.Currency, p.Value.ActivePatientLimit))]));
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/billing/plans", async (ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new Query(), ct)))
                .WithTags("Billing").WithName("ListBillingPlans").RequireAuthorization()
                .WithSummary("List the subscription plans (owner)")
                .WithDescription(
                    "The four plans (trial, starter, professional, enterprise) with their monthly price in minor units, currency and " +
                    "limit of patients in treatment (null: no limit), the trial's length in days, and the billing mode: `offline` when no " +
                    "Stripe key is configured (checkout completes here), else `stripe`.")
                .Produces<Response>().ProducesProblem(StatusCodes.Status403Forbidden);
    }
}
