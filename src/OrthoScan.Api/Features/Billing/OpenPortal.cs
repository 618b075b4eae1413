using OrthoScan.Api.Infrastructure.Billing;

namespace OrthoScan.Api.Features.Billing;

/// <summary>A link to Stripe's customer portal (payment method, plan, invoices); offline billing has none.</summary>
public static class OpenPortal
{
    [RequiresRole(Role.Owner)]
    public sealed record Command : ICommand<Response>, IAudited<Response>
    {
        public AuditRecord? Audit(Response response) => null;
    }

    public sealed record Response(string Url);

    public sealed class Handler(AppDbContext db, IBillingProvider provider) : ICommandHandler<Command, Response>
    {
        public async ValueTask<Response> Handle(Command command, CancellationToken ct)
        {
            if (provider.Mode == BillingMode.Offline)
                throw new ConflictException("billing-offline", "Billing is offline.", "Offline billing has no customer portal: choose a plan with POST /api/v1/billing/checkout.");
            var subscription = await db.PracticeSubscriptions.AsNoTracking().SingleOrDefaultAsync(ct)
                               ?? throw new ConflictException("no-subscription", "The practice has no subscription yet.", "Choose a plan first: POST /api/v1/billing/checkout.");
            return new Response(await provider.PortalUrlAsync(subscription, ct));
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost($"{Routes.V1}/billing/portal", async (ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new Command(), ct)))
                .WithTags("Billing").WithName("OpenBillingPortal").RequireAuthorization()
                .WithSummary("Open the billing portal (owner)")
                .WithDescription(
                    "Answers a short-lived link to Stripe's customer portal, where the owner changes plan or payment method. 409 " +
                    "`billing-offline` in offline mode, `no-subscription` before checkout.")
                .Produces<Response>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
    }
}
