using Microsoft.Extensions.Options;
using OrthoScan.Api.Infrastructure.Audit;
using OrthoScan.Api.Infrastructure.Billing;
using OrthoScan.Api.Infrastructure.Jobs;

namespace OrthoScan.Api.Features.Billing;

/// <summary>
/// Recurring (<see cref="JobScheduler"/>): bills each offline subscription whose period has ended. A trial period ends
/// free (the subscription becomes active); any other period gets its invoice (<see cref="InvoiceCalculation"/>: the plan's
/// price less the granted discount not applied yet, which is then marked applied with the invoice number). Once per period
/// with any number of workers: the period moves on by a conditional UPDATE on its old end, in the transaction that writes
/// the invoice, and the invoice number (practice and period) is unique.
/// </summary>
public static class WriteOfflineInvoices
{
    public const string Kind = "billing.offline-invoices";
    public const string Schedule = "billing-offline-invoices";

    /// <param name="Period">The scheduler's tick: periods that ended by then are billed.</param>
    [JobKind(Kind), Schedule(Schedule, nameof(JobsOptions.OfflineInvoicesEvery))]
    public sealed record Command(DateTime Period) : ICommand, IJobCommand;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Period).Must(p => p.Kind == DateTimeKind.Utc && p.Year >= 2000).WithMessage("A UTC instant is required.");
    }

    public sealed class Handler(PracticeSweep sweep, IOptions<BillingOptions> plans, TimeProvider clock, ILogger<Handler> logger)
        : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            var written = 0;
            foreach (var practiceId in await sweep.PracticeIdsAsync(cancellationToken))
                while (await sweep.InPracticeAsync(practiceId, (services, tenantDb) => BillNextPeriodAsync(services, tenantDb, practiceId, command.Period, cancellationToken), cancellationToken) is { } invoiced)
                    if (invoiced) written++;
            logger.LogInformation("Offline billing up to {Tick:o}: {Written} invoice(s) written", command.Period, written);
            return Unit.Value;
        }

        /// <returns>Null when the practice has no offline period ended by <paramref name="tick"/> (or another worker took it);
        /// else whether an invoice was written (a trial ends without one).</returns>
        private async Task<bool?> BillNextPeriodAsync(IServiceProvider services, AppDbContext tenantDb, Guid practiceId, DateTime tick, CancellationToken ct)
        {
            var subscription = await tenantDb.PracticeSubscriptions.AsNoTracking().SingleOrDefaultAsync(s =>
                s.Provider == BillingProvider.Offline && (s.Status == SubscriptionStatus.Trialing || s.Status == SubscriptionStatus.Active)
                && s.CurrentPeriodEnd <= tick, ct);
            if (subscription is not { CurrentPeriodStart: { } start, CurrentPeriodEnd: { } end }) return null;

            var now = clock.UtcNow();
            var trial = subscription.Status == SubscriptionStatus.Trialing;
            await using var transaction = await tenantDb.Database.BeginTransactionAsync(ct);
            // The claim: of any number of workers, the one whose UPDATE still finds the old period end bills it.
            var moved = await tenantDb.Database.ExecuteSqlAsync($"""
                UPDATE practice_subscriptions SET status = 'active', current_period_start = {end}, current_period_end = {end.AddMonths(1)}, updated_at = {now}
                WHERE id = {subscription.Id} AND current_period_end = {end} AND status IN ('trialing', 'active')
                """, ct);
            if (moved == 0) return null;
            if (trial)
            {
                await transaction.CommitAsync(ct);
                return false;
            }

            var discount = await InvoiceCalculation.PendingDiscountAsync(tenantDb, ct);
            var amounts = InvoiceCalculation.For(plans.Value.PlanFor(subscription.Plan), discount?.ApprovedPercent);
            var invoice = new Invoice
            {
                PracticeId = practiceId, Number = NumberFor(practiceId, start), Provider = BillingProvider.Offline, PeriodStart = start, PeriodEnd = end,
                SubtotalMinor = amounts.SubtotalMinor, DiscountMinor = amounts.DiscountMinor, TotalMinor = amounts.TotalMinor, Currency = amounts.Currency,
                Status = InvoiceStatus.Open, DiscountProposalId = discount?.Id, CreatedAt = now,
            };
            tenantDb.Invoices.Add(invoice);
            await tenantDb.SaveChangesAsync(ct);
            if (discount is not null)
                await tenantDb.Database.ExecuteSqlAsync(
                    $"UPDATE discount_proposals SET applied_at = {now}, applied_to = {invoice.Number} WHERE id = {discount.Id} AND applied_at IS NULL", ct);
            await services.GetRequiredService<AuditWriter>().WriteAsync("Billing.WriteOfflineInvoices", new AuditRecord("invoice", invoice.Id), ct);
            await transaction.CommitAsync(ct);
            return true;
        }
    }

    /// <summary>Made of the practice and the period, so one period can only ever have one number.</summary>
    public static string NumberFor(Guid practiceId, DateTime periodStart) => $"OS-{practiceId.ToString("N")[..12].ToUpperInvariant()}-{periodStart:yyyyMMddHHmm}";
}
