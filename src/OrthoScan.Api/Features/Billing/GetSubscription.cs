namespace OrthoScan.Api.Features.Billing;

/// <summary>The practice's plan and status, grace and restriction, the next invoice, the discount earned and this month's tagging.</summary>
public static class GetSubscription
{
    [RequiresRole(Role.Owner)]
    public sealed record Query : IQuery<SubscriptionResponse>;

    public sealed class Handler(SubscriptionView.Builder view) : IQueryHandler<Query, SubscriptionResponse>
    {
        public async ValueTask<SubscriptionResponse> Handle(Query query, CancellationToken ct) => await view.BuildAsync(ct);
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/billing/subscription", async (ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new Query(), ct)))
                .WithTags("Billing").WithName("GetSubscription").RequireAuthorization()
                .WithSummary("Get the practice's subscription (owner)")
                .WithDescription(
                    "Plan, status (`none` before checkout), trial and current period, past-due time, the end of its grace period and " +
                    "whether the practice is restricted (no new patients or staff; care goes on), patients in treatment against the " +
                    "plan's limit, the next invoice with the granted discount not applied yet, the latest granted discount, and this " +
                    "calendar month's tagging so far with what the next discount tier needs.")
                .Produces<SubscriptionResponse>().ProducesProblem(StatusCodes.Status403Forbidden);
    }
}
