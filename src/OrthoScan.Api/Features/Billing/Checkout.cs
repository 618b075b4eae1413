using OrthoScan.Api.Infrastructure.Billing;

namespace OrthoScan.Api.Features.Billing;

/// <summary>
/// The owner chooses a plan. Offline it completes at once (a trial first, or a switch of plan); with Stripe it creates the
/// customer (the practice's name and billing email only) and a Checkout Session, and the webhooks make the subscription real.
/// </summary>
public static class Checkout
{
    [RequiresRole(Role.Owner)]
    public sealed record Command(SubscriptionTier Plan) : ICommand<Response>, IAudited<Response>
    {
        public AuditRecord Audit(Response response) => new("practice_subscription", null);
    }

    public sealed record Response(BillingMode Mode, string? CheckoutUrl, SubscriptionResponse Subscription);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Plan).IsInEnum().NotEqual(SubscriptionTier.Trial).WithMessage("Choose starter, professional or enterprise.");
    }

    public sealed class Handler(AppDbContext db, RequestContext context, IBillingProvider provider, SubscriptionView.Builder view, TimeProvider clock)
        : ICommandHandler<Command, Response>
    {
        public async ValueTask<Response> Handle(Command command, CancellationToken ct)
        {
            var practiceId = context.RequirePractice();
            var now = clock.UtcNow();
            var practice = await db.Practices.SingleAsync(p => p.Id == practiceId, ct);
            // One row per practice, taken under its lock: concurrent checkouts of a practice run one after the other (the
            // INSERT waits for a concurrent one's row), and the one that finds no row starts it. Rolled back with a failure.
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO practice_subscriptions (id, practice_id, plan, status, provider, created_at, updated_at)
                VALUES ({Guid.CreateVersion7()}, {practiceId}, {SnakeCaseEnumConverter<SubscriptionTier>.Text(command.Plan)}, 'incomplete', {SnakeCaseEnumConverter<BillingMode>.Text(provider.Mode)}, {now}, {now})
                ON CONFLICT (practice_id) DO NOTHING
                """, ct);
            var subscription = await db.PracticeSubscriptions.FromSql($"SELECT * FROM practice_subscriptions FOR UPDATE").SingleAsync(ct);
            var start = await provider.CheckoutAsync(practice, subscription, command.Plan, now, ct);
            subscription.UpdatedAt = now;
            if (provider.Mode == BillingMode.Offline) practice.SubscriptionTier = subscription.Plan;
            await db.SaveChangesAsync(ct);
            return new Response(provider.Mode, start.Url, await view.BuildAsync(ct));
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost($"{Routes.V1}/billing/checkout", async (Command command, ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(command, ct)))
                .WithTags("Billing").WithName("StartCheckout").RequireAuthorization()
                .WithSummary("Choose a plan (owner)")
                .WithDescription(
                    "Offline billing completes at once: a new subscription starts its trial (`checkoutUrl` null), an existing one " +
                    "switches plan. With Stripe it creates the Stripe customer (the practice's name and billing email, nothing else) " +
                    "and a Checkout Session in subscription mode with the trial, and answers its `checkoutUrl`; the subscription " +
                    "becomes active through Stripe's webhooks. 409 `already-subscribed` when a Stripe subscription exists (change " +
                    "plan in the portal), `plan-not-offered` when the plan has no Stripe price.")
                .WithRequestExample(new Command(SubscriptionTier.Professional))
                .Produces<Response>().ProducesValidationProblem()
                .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
    }
}
