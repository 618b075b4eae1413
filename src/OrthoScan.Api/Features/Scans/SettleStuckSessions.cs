using System.Text.Json;
using Microsoft.Extensions.Options;
using OrthoScan.Api.Infrastructure.Jobs;

namespace OrthoScan.Api.Features.Scans;

/// <summary>
/// Recurring safety net (<see cref="JobScheduler"/>, once across instances): a scan sent more than
/// <see cref="JobsOptions.StuckProcessingAfter"/> ago that is still processing with no queued or running job for it is
/// settled as its dead letter would have (<see cref="ProcessSession.Processor.GiveUpAsync"/>), so nothing waits forever,
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

    public sealed class Handler(AppDbContext db, IServiceScopeFactory scopes, TimeProvider clock, IOptions<JobsOptions> options, ILogger<Handler> logger)
        : IJobHandler
    {
        public string Kind => SettleStuckSessions.Kind;

        public async Task HandleAsync(JsonElement payload, JobContext context, CancellationToken cancellationToken)
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
                var processor = sessionScope.ServiceProvider.GetRequiredService<ProcessSession.Processor>();
                if (await processor.GiveUpAsync(new ProcessSession.Payload(practiceId, sessionId), ct)) settled++;
            }
            return settled;
        }
    }
}
