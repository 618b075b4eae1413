using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace OrthoScan.Api.Infrastructure.Audit;

/// <summary>
/// Chains audit rows in the worker role. Every <see cref="AuditOptions.SealInterval"/> it reads which practices have
/// queued rows, and for each, in one transaction: appends a link (next seq, prev_hash, hash) to audit_seals for every
/// queued row in id order, and removes those queue entries. Chain order is sealing order: a row that commits after a
/// later row was sealed gets the next free seq, so nothing is skipped. Only the sealer takes the practice's advisory
/// lock (try-lock: another instance on the same practice is left to it), and unique (practice_id, seq) and (audit_id)
/// are the backstop. The request path never waits here.
/// Once committed, each link is also handed to <see cref="AuditTrailLog"/> (the searchable copy in CloudWatch).
/// No LISTEN/NOTIFY: a NOTIFY in every audited request would serialise their commits database-wide (PostgreSQL takes
/// one global lock per notifying commit), which is the kind of bottleneck this design removes.
/// </summary>
internal sealed class AuditSealer(IServiceScopeFactory scopes, TimeProvider clock, IOptions<AuditOptions> options, AuditTrailLog trail, ILogger<AuditSealer> logger)
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
        // Shuffled, so that several workers mostly start on different practices instead of all trying the same one first.
        foreach (var practiceId in practices.OrderBy(_ => Random.Shared.Next()))
        {
            while (await SealBatchAsync(practiceId, ct))
            {
            }
        }
    }

    /// <summary>Seals the rows of the practice's oldest queue entries, about a batch of them; true when more are queued.</summary>
    private async Task<bool> SealBatchAsync(Guid practiceId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TenantScope>().EnterPracticeAsWorkerAsync(practiceId, ct);
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var locked = await db.Database
            .SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock(hashtextextended({practiceId.ToString()}, {LockKey})) AS \"Value\"")
            .SingleAsync(ct);
        if (!locked) return false;

        var queued = await db.AuditSealQueue.AsNoTracking().Where(q => q.PracticeId == practiceId).OrderBy(q => q.FirstId)
            .Take(_options.SealBatchSize).ToListAsync(ct);
        // Whole entries, oldest first, up to about a batch of rows (at least one entry, however many rows it names).
        var taken = new List<AuditSealQueueEntry>();
        var rowCount = 0;
        foreach (var entry in queued)
        {
            if (taken.Count > 0 && rowCount + entry.AuditIds.Length > _options.SealBatchSize) break;
            taken.Add(entry);
            rowCount += entry.AuditIds.Length;
        }
        if (taken.Count == 0) return false;
        var ids = taken.SelectMany(q => q.AuditIds).Distinct().ToList();

        // Read after the lock: the previous holder's links are committed by now.
        var head = await db.AuditSeals.OrderByDescending(s => s.Seq).Select(s => new { s.Seq, s.Hash }).FirstOrDefaultAsync(ct);
        // Row by row through the keys (a lateral lookup per queued id): a plain join lets the planner scan the practice's
        // whole trail and chain, which grows for ever.
        var rows = await db.AuditLog.FromSql($"""
                SELECT row.* FROM unnest({ids.ToArray()}) AS queued(id)
                CROSS JOIN LATERAL (
                    SELECT * FROM audit_log a
                    WHERE a.practice_id = {practiceId} AND a.id = queued.id
                      AND NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.audit_id = a.id)) AS row
                """)
            .AsNoTracking()
            .OrderBy(a => a.Id)
            .ToListAsync(ct);
        var seq = head?.Seq ?? 0;
        var prevHash = head?.Hash ?? AuditChain.Genesis;
        var (seqs, auditIds, prevHashes, hashes) = (new long[rows.Count], new long[rows.Count], new byte[rows.Count][], new byte[rows.Count][]);
        for (var i = 0; i < rows.Count; i++)
        {
            seq++;
            (seqs[i], auditIds[i], prevHashes[i]) = (seq, rows[i].Id, prevHash);
            hashes[i] = prevHash = AuditChain.ComputeHash(rows[i], seq, prevHash);
        }
        // One statement for the whole batch.
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO audit_seals (practice_id, seq, audit_id, prev_hash, hash, sealed_at)
            SELECT {practiceId}, s.seq, s.audit_id, s.prev_hash, s.hash, {clock.UtcNow()}
            FROM unnest({seqs}, {auditIds}, {Bytea("prev_hashes", prevHashes)}, {Bytea("hashes", hashes)}) AS s(seq, audit_id, prev_hash, hash)
            """, ct);
        // The trigger queues rows with the rows themselves, so an id naming no unsealed row of the practice was not queued by it.
        if (ids.Count > rows.Count)
            logger.LogWarning("Dropped {Count} queued audit ids of practice {PracticeId} naming no unsealed row of it", ids.Count - rows.Count, practiceId);

        var firstIds = taken.Select(q => q.FirstId).ToList();
        await db.AuditSealQueue.Where(q => q.PracticeId == practiceId && firstIds.Contains(q.FirstId)).ExecuteDeleteAsync(ct);
        await transaction.CommitAsync(ct);
        for (var i = 0; i < rows.Count; i++) trail.Sealed(rows[i], seqs[i], hashes[i]);
        return taken.Count < queued.Count || queued.Count == _options.SealBatchSize;
    }

    private static NpgsqlParameter Bytea(string name, byte[][] values) => new(name, NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = values };
}
