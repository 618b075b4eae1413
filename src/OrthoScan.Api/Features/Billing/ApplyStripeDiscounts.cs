using OrthoScan.Api.Infrastructure.Audit;
using OrthoScan.Api.Infrastructure.Jobs;
using Stripe;

namespace OrthoScan.Api.Features.Billing;

/// <summary>
/// Recurring (<see cref="JobScheduler"/>): a discount finance granted reaches a Stripe-billed practice's next invoice as a
/// once-duration percent-off coupon on its subscription; the proposal is then marked applied with the coupon id. Stripe's
/// Idempotency-Key is made of the proposal id, so a retry or a second worker creates no second coupon.
/// </summary>
public static class ApplyStripeDiscounts
{
    public const string Kind = "billing.stripe-discounts";
    public const string Schedule = "billing-stripe-discounts";

    [JobKind(Kind), Schedule(Schedule, nameof(JobsOptions.StripeDiscountsEvery))]
    public sealed record Command(DateTime Period) : ICommand, IJobCommand;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Period).Must(p => p.Kind == DateTimeKind.Utc && p.Year >= 2000).WithMessage("A UTC instant is required.");
    }

    public sealed class Handler(AppDbContext db, IServiceScopeFactory scopes, IStripeClient stripe, TimeProvider clock, ILogger<Handler> logger)
        : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            var practices = await db.Database
                .SqlQueryRaw<Guid>($"SELECT practice_id AS \"Value\" FROM {PlatformReadSql.PracticeOverview}()")
                .ToListAsync(cancellationToken);
            var applied = 0;
            foreach (var practiceId in practices)
                if (await ApplyAsync(practiceId, cancellationToken)) applied++;
            logger.LogInformation("{Applied} granted discount(s) put on Stripe subscriptions", applied);
            return Unit.Value;
        }

        private async Task<bool> ApplyAsync(Guid practiceId, CancellationToken ct)
        {
            await using var scope = scopes.CreateAsyncScope();
            var services = scope.ServiceProvider;
            await services.GetRequiredService<TenantScope>().EnterPracticeAsWorkerAsync(practiceId, ct);
            var tenantDb = services.GetRequiredService<AppDbContext>();
            var subscription = await tenantDb.PracticeSubscriptions.AsNoTracking()
                .SingleOrDefaultAsync(s => s.Provider == BillingProvider.Stripe && s.StripeSubscriptionId != null && s.Status != SubscriptionStatus.Canceled, ct);
            if (subscription is null) return false;
            var discount = await InvoiceCalculation.PendingDiscountAsync(tenantDb, ct);
            if (discount is null) return false;

            var coupon = await new CouponService(stripe).CreateAsync(new CouponCreateOptions
            {
                PercentOff = discount.ApprovedPercent, Duration = "once", Name = $"Tagging discount {discount.PeriodStart:yyyy-MM}",
                Metadata = new Dictionary<string, string> { ["discount_proposal_id"] = discount.Id.ToString() },
            }, new RequestOptions { IdempotencyKey = $"coupon-{discount.Id}" }, ct);
            await new SubscriptionService(stripe).UpdateAsync(subscription.StripeSubscriptionId!, new SubscriptionUpdateOptions
            {
                Discounts = [new SubscriptionDiscountOptions { Coupon = coupon.Id }],
            }, new RequestOptions { IdempotencyKey = $"subscription-discount-{discount.Id}" }, ct);

            await using var transaction = await tenantDb.Database.BeginTransactionAsync(ct);
            var marked = await tenantDb.Database.ExecuteSqlAsync(
                $"UPDATE discount_proposals SET applied_at = {clock.UtcNow()}, applied_to = {coupon.Id} WHERE id = {discount.Id} AND applied_at IS NULL", ct);
            if (marked == 0) return false;
            await services.GetRequiredService<AuditWriter>().WriteAsync("Billing.ApplyStripeDiscounts", new AuditRecord("discount_proposal", discount.Id), ct);
            await transaction.CommitAsync(ct);
            return true;
        }
    }
}
