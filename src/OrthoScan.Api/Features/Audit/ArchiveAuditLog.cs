using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OrthoScan.Api.Infrastructure.Audit;
using OrthoScan.Api.Infrastructure.Jobs;

namespace OrthoScan.Api.Features.Audit;

/// <summary>
/// Recurring (<see cref="JobScheduler"/>, once across instances): copies each practice's newly sealed audit links, with
/// their rows, to the write-once archive (<see cref="IAuditArchive"/>: S3 Object Lock, compliance mode, six years), so the
/// trail survives whoever can change the database. One object per batch, named by its range of the chain and its last
/// link's hash (audit-log/{practice}/{first seq}-{last seq}-{hash}.jsonl); the practice's mark moves only after its
/// object is written. A run that dies in between writes the range again under the same name, which the archive refuses
/// to replace; with more links sealed since, the new object overlaps the old one with identical links.
/// </summary>
public static class ArchiveAuditLog
{
    public const string Kind = "audit.archive";
    public const string Schedule = "audit-archive";
    private const long LockKey = 7413;

    [JobKind(Kind), Schedule(Schedule, nameof(JobsOptions.AuditArchiveEvery))]
    public sealed record Command : ICommand, IJobCommand;

    /// <summary>One line of an archive object: the link and the row it seals, enough to verify the chain without the database.</summary>
    public sealed record ArchivedLink(long Seq, string PrevHash, string Hash, DateTime SealedAt, long AuditId, Guid PracticeId, Guid? UserId,
        string? ActorRole, string Action, string? ResourceType, Guid? ResourceId, string? IpAddress, DateTime OccurredAt);

    public sealed class Handler(PracticeSweep practices, IAuditArchive archive, IOptions<AuditArchiveOptions> options, TimeProvider clock,
        ILogger<Handler> logger) : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            var archived = 0;
            foreach (var practiceId in await practices.PracticeIdsAsync(cancellationToken))
                archived += await practices.InPracticeAsync(practiceId, (_, db) => ArchivePracticeAsync(db, practiceId, cancellationToken), cancellationToken);
            logger.LogInformation("Archived {Count} audit link(s)", archived);
            return Unit.Value;
        }

        private async Task<int> ArchivePracticeAsync(AppDbContext db, Guid practiceId, CancellationToken ct)
        {
            var batchSize = options.Value.BatchSize;
            var total = 0;
            while (true)
            {
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                // A run still busy with this practice (a slow one, overlapping the next period's) keeps it.
                var locked = await db.Database
                    .SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock(hashtextextended({practiceId.ToString()}, {LockKey})) AS \"Value\"")
                    .SingleAsync(ct);
                if (!locked) return total;

                var mark = await db.AuditArchiveMarks.Where(m => m.PracticeId == practiceId).Select(m => (long?)m.ArchivedSeq).SingleOrDefaultAsync(ct) ?? 0;
                var links = await (
                        from seal in db.AuditSeals
                        where seal.PracticeId == practiceId && seal.Seq > mark
                        join row in db.AuditLog on seal.AuditId equals row.Id
                        orderby seal.Seq
                        select new ArchivedLink(seal.Seq, Convert.ToBase64String(seal.PrevHash), Convert.ToBase64String(seal.Hash), seal.SealedAt,
                            row.Id, row.PracticeId, row.UserId, row.ActorRole, row.Action, row.ResourceType, row.ResourceId, row.IpAddress, row.OccurredAt))
                    .Take(batchSize)
                    .ToListAsync(ct);
                if (links.Count == 0) return total;

                // The last link's hash in the name: the same links always get the same name, but links that differ (a
                // database restored to an earlier point seals new rows under seqs already archived) get their own.
                var lastHash = Convert.ToHexStringLower(Convert.FromBase64String(links[^1].Hash))[..16];
                var key = $"audit-log/{practiceId}/{links[0].Seq:D12}-{links[^1].Seq:D12}-{lastHash}.jsonl";
                await archive.PutOnceAsync(key, Lines(links), ct);
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO audit_archive_marks (practice_id, archived_seq, archived_at) VALUES ({practiceId}, {links[^1].Seq}, {clock.UtcNow()})
                    ON CONFLICT (practice_id) DO UPDATE SET archived_seq = excluded.archived_seq, archived_at = excluded.archived_at
                    WHERE audit_archive_marks.archived_seq < excluded.archived_seq
                    """, ct);
                await transaction.CommitAsync(ct);
                total += links.Count;
                if (links.Count < batchSize) return total;
            }
        }

        private static byte[] Lines(List<ArchivedLink> links)
        {
            var text = new StringBuilder();
            foreach (var link in links) text.Append(JsonSerializer.Serialize(link, JsonSerializerOptions.Web)).Append('\n');
            return Encoding.UTF8.GetBytes(text.ToString());
        }
    }
}
