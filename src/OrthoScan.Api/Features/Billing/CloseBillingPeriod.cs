using Microsoft.Extensions.Options;
using OrthoScan.Api.Infrastructure.Audit;
using OrthoScan.Api.Infrastructure.Billing;
using OrthoScan.Api.Infrastructure.Jobs;

namespace OrthoScan.Api.Features.Billing;

/// <summary>
/// Recurring (<see cref="JobScheduler"/>, once across instances): closes the latest billing period whose counts are final
/// (<see cref="BillingPeriod.LatestSettled"/>: it ended <see cref="DiscountPolicy.SettlesAfter"/> ago) by writing one
/// discount proposal per practice that received scans in it, for finance to review. A practice that received nothing
/// gets no proposal: there is nothing to discount or review. Safe to run twice at once and again later: a proposal is
/// one <c>INSERT ... ON CONFLICT DO NOTHING</c> on the unique (practice, period start), so the first one stands.
/// </summary>
/// <remarks>
/// Practices are listed through the platform read path (<c>platform_practice_overview()</c>, ADR 0009), the one way
/// to see across practices without bypassing row-level security; each practice is then counted inside its own scope.
/// </remarks>
public static class CloseBillingPeriod
{
    public const string Kind = "billing.close-period";
    public const string Schedule = "billing-period-close";

    /// <param name="Period">The scheduler's tick (<see cref="ScheduledPayload.Period"/>): the period closed is the latest one
    /// settled at that instant, so a retried or repeated job closes the same period.</param>
    [JobKind(Kind), Schedule(Schedule, nameof(JobsOptions.BillingPeriodCloseEvery))]
    public sealed record Command(DateTime Period) : ICommand, IJobCommand;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Period).Must(p => p.Kind == DateTimeKind.Utc && p.Year >= 2000).WithMessage("A UTC instant is required.");
    }

    public sealed class Handler(PracticeSweep sweep, IOptions<DiscountOptions> options, TimeProvider clock, ILogger<Handler> logger)
        : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            var period = BillingPeriod.LatestSettled(command.Period);
            var proposed = 0;
            foreach (var practiceId in await sweep.PracticeIdsAsync(cancellationToken))
                if (await sweep.InPracticeAsync(practiceId, (services, tenantDb) => ProposeAsync(services, tenantDb, practiceId, period, cancellationToken), cancellationToken))
                    proposed++;
            logger.LogInformation("Closed billing period {Start:o} to {End:o}: {Proposed} discount proposal(s) written", period.Start, period.End, proposed);
            return Unit.Value;
        }

        /// <returns>Whether this call wrote the practice's proposal.</returns>
        private async Task<bool> ProposeAsync(IServiceProvider services, AppDbContext tenantDb, Guid practiceId, BillingPeriod period, CancellationToken ct)
        {
            if (await tenantDb.DiscountProposals.AnyAsync(p => p.PeriodStart == period.Start, ct)) return false;
            var counts = await PeriodTagging.CountAsync(tenantDb, practiceId, period, ct);
            if (counts.Received == 0) return false;

            var rate = Math.Round(counts.Rate!.Value, 4, MidpointRounding.AwayFromZero);
            var percent = DiscountPolicy.PercentFor(counts, options.Value.EffectiveTiers);
            await using var transaction = await tenantDb.Database.BeginTransactionAsync(ct);
            // The unique (practice_id, period_start) lets exactly one of any number of concurrent closes in.
            var written = await tenantDb.Database.SqlQuery<Guid>($"""
                INSERT INTO discount_proposals (id, practice_id, period_start, period_end, sessions_received, sessions_tagged, rate, proposed_percent, status, created_at)
                VALUES ({Guid.CreateVersion7()}, {practiceId}, {period.Start}, {period.End}, {counts.Received}, {counts.Tagged}, {rate}, {percent}, 'proposed', {clock.UtcNow()})
                ON CONFLICT (practice_id, period_start) DO NOTHING
                RETURNING id AS "Value"
                """).ToListAsync(ct);
            if (written.Count == 0) return false;
            await services.GetRequiredService<AuditWriter>().WriteAsync("Billing.CloseBillingPeriod", new AuditRecord("discount_proposal", written[0]), ct);
            await transaction.CommitAsync(ct);
            return true;
        }
    }
}
