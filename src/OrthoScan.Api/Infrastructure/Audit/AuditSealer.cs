using Microsoft.Extensions.Options;

namespace OrthoScan.Api.Infrastructure.Audit;

/// <summary>
/// Chains audit rows in the worker role. Every <see cref="AuditOptions.SealInterval"/> it reads which practices have
/// queued rows, and for each, in one transaction: appends a link (next seq, prev_hash, hash) to audit_seals for every
/// queued row in id order, and removes those queue entries. Chain order is sealing order: a row that commits after a
/// later row was sealed gets the next free seq, so nothing is skipped. Only the sealer takes the practice's advisory
/// lock (try-lock: another instance on the same practice is left to it), and unique (practice_id, seq) and (audit_id)
/// are the backstop. The request path never waits here.
/// No LISTEN/NOTIFY: a NOTIFY in every audited request would serialise their commits database-wide (PostgreSQL takes
/// one global lock per notifying commit), which is the bottleneck this design removes.
/// </summary>
internal sealed class AuditSealer(IServiceScopeFactory scopes, TimeProvider clock, IOptions<AuditOptions> options, ILogger<AuditSealer> logger)
    : BackgroundService
{
    private const long LockKey = 7412;
    private const int PracticesPerRound = 1000;
    private readonly AuditOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // let the host finish starting
        using var timer = new PeriodicTimer(_options.SealInterval);
        try
        {
            do
            {
                try
                {
                    await SealPendingAsync(stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(e, "Sealing the audit log failed; trying again in {Interval}", _options.SealInterval);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: an unfinished sealing transaction rolls back and its rows stay queued.
        }
    }

    private async Task SealPendingAsync(CancellationToken ct)
    {
        List<Guid> practices;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            practices = await db.AuditSealQueue.Select(q => q.PracticeId).Distinct().Take(PracticesPerRound).ToListAsync(ct);
        }
        // Shuffled, so that several workers mostly start on different practices instead of queueing on one lock.
        foreach (var practiceId in practices.OrderBy(_ => Random.Shared.Next()))
        {
            while (await SealBatchAsync(practiceId, ct) == _options.SealBatchSize)
            {
            }
        }
    }

    /// <summary>Seals up to a batch of the practice's queued rows; returns how many queue entries it consumed.</summary>
    private async Task<int> SealBatchAsync(Guid practiceId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TenantScope>().EnterPracticeAsWorkerAsync(practiceId, ct);
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var locked = await db.Database
            .SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock(hashtextextended({practiceId.ToString()}, {LockKey})) AS \"Value\"")
            .SingleAsync(ct);
        if (!locked) return 0;

        // Read after the lock: the previous holder's links are committed by now.
        var head = await db.AuditSeals.OrderByDescending(s => s.Seq).Select(s => new { s.Seq, s.Hash }).FirstOrDefaultAsync(ct);
        var queued = await (
                from q in db.AuditSealQueue
                where q.PracticeId == practiceId
                join a in db.AuditLog on q.AuditId equals a.Id into rows
                from a in rows.DefaultIfEmpty()
                orderby q.AuditId
                select new { q.AuditId, Entry = a, Sealed = db.AuditSeals.Any(s => s.AuditId == q.AuditId) })
            .Take(_options.SealBatchSize)
            .ToListAsync(ct);
        if (queued.Count == 0) return 0;

        var seq = head?.Seq ?? 0;
        var prevHash = head?.Hash ?? AuditChain.Genesis;
        var sealedAt = clock.UtcNow();
        foreach (var row in queued.Where(r => r.Entry is not null && !r.Sealed))
        {
            seq++;
            var hash = AuditChain.ComputeHash(row.Entry, seq, prevHash);
            db.AuditSeals.Add(new AuditSeal { PracticeId = practiceId, Seq = seq, AuditId = row.AuditId, PrevHash = prevHash, Hash = hash, SealedAt = sealedAt });
            prevHash = hash;
        }
        // The trigger queues a row with the row itself, so an entry without a visible row was not queued by it.
        var stray = queued.Count(r => r.Entry is null || r.Sealed);
        if (stray > 0) logger.LogWarning("Dropped {Count} audit seal queue entries of practice {PracticeId} naming no unsealed row of it", stray, practiceId);

        await db.SaveChangesAsync(ct);
        var consumed = queued.Select(r => r.AuditId).ToList();
        await db.AuditSealQueue.Where(q => q.PracticeId == practiceId && consumed.Contains(q.AuditId)).ExecuteDeleteAsync(ct);
        await transaction.CommitAsync(ct);
        return queued.Count;
    }
}
