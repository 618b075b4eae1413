using Microsoft.Extensions.Options;
using OrthoScan.Api.Infrastructure.Billing;
using Stripe;

namespace OrthoScan.Api.Features.Billing;

/// <summary>
/// Stripe's events, verified by their signature (300 s tolerance). Each event id enters the inbox once (a unique key, in
/// the same transaction as its effect), so an event delivered twice or in parallel has one effect. Events may arrive in
/// any order, so the payload is only a pointer: the handler fetches the subscription or invoice as Stripe has it now and
/// stores that. The practice is the one named in the Stripe object's metadata, and only when its stored customer matches.
/// </summary>
public static class StripeWebhook
{
    public const long ToleranceSeconds = 300;

    [Anonymous]
    public sealed record Command(string Payload, string? Signature) : ICommand<Response>, IAudited<Response>
    {
        public AuditRecord? Audit(Response response) => response.SubscriptionId is { } id ? new("practice_subscription", id) : null;
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        /// <summary>Stripe's events are a few kilobytes; a body far larger is not one of them and is not worth verifying.</summary>
        public const int MaxPayloadChars = 256 * 1024;

        // The signature is not checked here: a missing or wrong one is the handler's invalid-signature, like any forgery.
        public Validator() => RuleFor(c => c.Payload).NotEmpty().MaximumLength(MaxPayloadChars).WithMessage("A Stripe event: a JSON body of at most 256 KiB.");
    }

    /// <param name="SubscriptionId">Our subscription the event changed; null when it was a repeat, not ours or not handled.</param>
    public sealed record Response(Guid? SubscriptionId);

    public static readonly string[] Handled =
    [
        "checkout.session.completed", "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted",
        "invoice.paid", "invoice.payment_failed",
    ];

    public sealed class Handler(
        AppDbContext db, TenantScope tenant, IStripeClient stripe, IOptions<BillingOptions> plans, IOptions<BillingRuntimeOptions> options,
        TimeProvider clock, ILogger<Handler> logger) : ICommandHandler<Command, Response>
    {
        public async ValueTask<Response> Handle(Command command, CancellationToken ct)
        {
            var now = clock.UtcNow();
            var stripeEvent = Verify(command, now);
            var fresh = await db.Database.SqlQuery<string>($"""
                INSERT INTO stripe_events (event_id, type, received_at) VALUES ({stripeEvent.Id}, {stripeEvent.Type}, {now})
                ON CONFLICT (event_id) DO NOTHING RETURNING event_id AS "Value"
                """).ToListAsync(ct);
            if (fresh.Count == 0) return new Response(null);

            var objectId = (stripeEvent.Data.Object as IHasId)?.Id;
            Guid? changed = null;
            if (objectId is not null && Handled.Contains(stripeEvent.Type))
            {
                var (subscriptionId, invoice) = await PointersAsync(stripeEvent.Type, objectId, ct);
                if (subscriptionId is not null) changed = await SyncAsync(subscriptionId, invoice, now, ct);
            }
            await db.Database.ExecuteSqlAsync($"UPDATE stripe_events SET processed_at = {clock.UtcNow()} WHERE event_id = {stripeEvent.Id}", ct);
            return new Response(changed);
        }

        private Event Verify(Command command, DateTime now)
        {
            try
            {
                var secret = options.Value.Stripe.WebhookSecret ?? throw new StripeException("No webhook secret is configured.");
                return EventUtility.ConstructEvent(command.Payload, command.Signature ?? "", secret, ToleranceSeconds,
                    new DateTimeOffset(now).ToUnixTimeSeconds(), throwOnApiVersionMismatch: false);
            }
            catch (Exception e) when (e is StripeException or Newtonsoft.Json.JsonException or ArgumentException)
            {
                throw new ProblemException(StatusCodes.Status400BadRequest, "invalid-signature", "The Stripe signature is not valid.",
                    "The Stripe-Signature header does not sign this body with our endpoint's secret within 300 seconds.");
            }
        }

        /// <summary>The subscription the event is about (and the invoice, for invoice events), read from Stripe, not the payload.</summary>
        private async Task<(string? SubscriptionId, Stripe.Invoice? Invoice)> PointersAsync(string type, string objectId, CancellationToken ct)
        {
            if (type.StartsWith("customer.subscription.", StringComparison.Ordinal)) return (objectId, null);
            if (type == "checkout.session.completed")
                return ((await new Stripe.Checkout.SessionService(stripe).GetAsync(objectId, cancellationToken: ct)).SubscriptionId, null);
            var invoice = await new InvoiceService(stripe).GetAsync(objectId, cancellationToken: ct);
            return (invoice.Parent?.SubscriptionDetails?.SubscriptionId, invoice);
        }

        private async Task<Guid?> SyncAsync(string subscriptionId, Stripe.Invoice? invoice, DateTime now, CancellationToken ct)
        {
            var remote = await new SubscriptionService(stripe).GetAsync(subscriptionId, cancellationToken: ct);
            if (!remote.Metadata.TryGetValue(StripeMetadata.PracticeId, out var named) || !Guid.TryParse(named, out var practiceId))
            {
                logger.LogWarning("Stripe subscription {Subscription} names no practice: ignored", remote.Id);
                return null;
            }
            await tenant.EnterPracticeAsWorkerAsync(practiceId, ct);
            var subscription = await db.PracticeSubscriptions.FromSql($"SELECT * FROM practice_subscriptions FOR UPDATE").SingleOrDefaultAsync(ct);
            if (subscription is null || subscription.StripeCustomerId != remote.CustomerId)
            {
                logger.LogWarning("Stripe subscription {Subscription} names practice {Practice}, whose customer is not {Customer}: ignored", remote.Id, practiceId, remote.CustomerId);
                return null;
            }

            var item = remote.Items?.Data?.FirstOrDefault();
            subscription.StripeSubscriptionId = remote.Id;
            subscription.Status = StatusOf(remote.Status);
            subscription.Plan = PlanOf(item?.Price?.Id) ?? subscription.Plan;
            subscription.TrialEndsAt = remote.TrialEnd;
            subscription.CurrentPeriodStart = item?.CurrentPeriodStart ?? subscription.CurrentPeriodStart;
            subscription.CurrentPeriodEnd = item?.CurrentPeriodEnd ?? subscription.CurrentPeriodEnd;
            subscription.PastDueSince = subscription.Status == SubscriptionStatus.PastDue ? subscription.PastDueSince ?? now : null;
            subscription.UpdatedAt = now;
            var practice = await db.Practices.SingleAsync(p => p.Id == practiceId, ct);
            practice.SubscriptionTier = subscription.Plan;
            if (invoice is not null) await MirrorAsync(practiceId, invoice, now, ct);
            await db.SaveChangesAsync(ct);
            return subscription.Id;
        }

        private async Task MirrorAsync(Guid practiceId, Stripe.Invoice remote, DateTime now, CancellationToken ct)
        {
            var invoice = await db.Invoices.SingleOrDefaultAsync(i => i.StripeInvoiceId == remote.Id, ct);
            if (invoice is null)
            {
                var line = remote.Lines?.Data?.FirstOrDefault()?.Period;
                var (start, end) = line is not null && line.End > line.Start ? (line.Start, line.End) : (remote.PeriodStart, remote.PeriodEnd);
                invoice = new Domain.Invoice
                {
                    PracticeId = practiceId, Number = remote.Number ?? remote.Id, Provider = BillingProvider.Stripe, StripeInvoiceId = remote.Id,
                    PeriodStart = start, PeriodEnd = end > start ? end : start.AddMonths(1), Currency = remote.Currency, CreatedAt = now,
                };
                db.Invoices.Add(invoice);
            }
            invoice.SubtotalMinor = remote.Subtotal;
            invoice.TotalMinor = remote.Total;
            invoice.DiscountMinor = Math.Max(0, remote.Subtotal - remote.Total);
            invoice.Status = remote.Status switch
            {
                "paid" => InvoiceStatus.Paid, "void" => InvoiceStatus.Void, "uncollectible" => InvoiceStatus.Uncollectible, _ => InvoiceStatus.Open,
            };
            invoice.HostedUrl = remote.HostedInvoiceUrl;
            invoice.PaidAt = invoice.Status == InvoiceStatus.Paid ? invoice.PaidAt ?? now : null;
        }

        private SubscriptionTier? PlanOf(string? priceId) =>
            priceId is null ? null : plans.Value.EffectivePlans.Where(p => p.Value.StripePriceId == priceId).Select(p => (SubscriptionTier?)p.Key).FirstOrDefault();

        private static SubscriptionStatus StatusOf(string status) => status switch
        {
            "trialing" => SubscriptionStatus.Trialing,
            "active" => SubscriptionStatus.Active,
            "past_due" or "unpaid" => SubscriptionStatus.PastDue,
            "incomplete" => SubscriptionStatus.Incomplete,
            _ => SubscriptionStatus.Canceled, // canceled, incomplete_expired, paused
        };
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost($"{Routes.V1}/billing/webhooks/stripe", async (HttpRequest request, ISender sender, CancellationToken ct) =>
                {
                    using var reader = new StreamReader(request.Body);
                    var payload = await reader.ReadToEndAsync(ct);
                    await sender.Send(new Command(payload, request.Headers["Stripe-Signature"].FirstOrDefault()), ct);
                    return Results.Ok();
                })
                .WithTags("Billing").WithName("ReceiveStripeWebhook").AllowAnonymous()
                .WithSummary("Receive a Stripe event (Stripe only)")
                .WithDescription(
                    "Stripe's webhook, checked by its `Stripe-Signature` header (300 s tolerance): 400 `invalid-signature` otherwise, " +
                    "and nothing changes. Each event id has one effect however often it is delivered. Handles checkout.session.completed, " +
                    "customer.subscription.created/updated/deleted, invoice.paid and invoice.payment_failed by fetching the current " +
                    "subscription or invoice from Stripe; other events are acknowledged and ignored.")
                .Produces(StatusCodes.Status200OK).ProducesProblem(StatusCodes.Status400BadRequest);
    }
}
