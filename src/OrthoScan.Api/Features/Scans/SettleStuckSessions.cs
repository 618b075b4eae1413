using Microsoft.Extensions.Options;
using OrthoScan.Api.Infrastructure.Jobs;

namespace OrthoScan.Api.Features.Scans;

/// <summary>
/// Recurring safety net (<see cref="JobScheduler"/>, once across instances): a scan sent more than
/// <see cref="JobsOptions.StuckProcessingAfter"/> ago that is still processing with no queued or running job for it is
/// settled as its dead letter would have (<see cref="ProcessSession.Settlement.GiveUpAsync"/>), so nothing waits forever,
/// whatever went wrong (a dead-letter handler that kept failing, a payload nobody could read, a job that went missing).
/// Scans are tenant data, so the sweep looks practice by practice: every practice with a processing job created in the
/// last <see cref="Lookback"/> (each submission enqueues one, in the same transaction), read from the jobs table.
/// </summary>
public static class SettleStuckSessions
{
    public const string Kind = "scans.settle-stuck-sessions";
    public const string Schedule = "stuck-session-sweep";
    /// <summary>Far longer than a scan can be processing before this sweep, which runs every few minutes, settles it.</summary>
    public static readonly TimeSpan Lookback = TimeSpan.FromDays(7);

    /// <summary>A job of no single practice: it goes practice by practice, each in a scope of its own.</summary>
    [JobKind(Kind), Schedule(Schedule, nameof(JobsOptions.StuckSessionSweepEvery))]
    public sealed record Command : ICommand, IJobCommand;

    public sealed class Handler(AppDbContext db, IServiceScopeFactory scopes, TimeProvider clock, IOptions<JobsOptions> options, ILogger<Handler> logger)
        : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            var now = clock.UtcNow();
            var sentBefore = now - options.Value.StuckProcessingAfter;
            var practices = await db.Database.SqlQuery<Guid>($$"""
                SELECT DISTINCT (payload->>'practiceId')::uuid AS "Value" FROM jobs
                WHERE kind = {{ProcessSession.Kind}} AND created_at > {{now - Lookback}}
                  AND payload->>'practiceId' ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                """).ToListAsync(cancellationToken);
            var settled = 0;
            foreach (var practiceId in practices) settled += await SettlePracticeAsync(practiceId, sentBefore, cancellationToken);
            if (settled > 0) logger.LogError("Settled {Count} scan(s) stuck in processing with no job working on them", settled);
            return Unit.Value;
        }

        private async Task<int> SettlePracticeAsync(Guid practiceId, DateTime sentBefore, CancellationToken ct)
        {
            await using var scope = scopes.CreateAsyncScope();
            var services = scope.ServiceProvider;
            await services.GetRequiredService<TenantScope>().EnterPracticeAsWorkerAsync(practiceId, ct);
            var stuck = await services.GetRequiredService<AppDbContext>().ScanSessions.AsNoTracking()
                .Where(s => s.Status == ScanSessionStatus.Processing && s.SubmittedAt < sentBefore)
                .Select(s => s.Id).ToListAsync(ct);
            var settled = 0;
            foreach (var sessionId in stuck)
            {
                // A fresh scope each: the give-up runs its own transaction, and checks again under a lock.
                await using var sessionScope = scopes.CreateAsyncScope();
                var settlement = sessionScope.ServiceProvider.GetRequiredService<ProcessSession.Settlement>();
                if (await settlement.GiveUpAsync(new ProcessSession.Command(practiceId, sessionId), ct)) settled++;
            }
            return settled;
        }
    }
}
