using System.Data;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using OrthoScan.Api.Infrastructure.Audit;

namespace OrthoScan.Api.Features.Audit;

/// <summary>
/// Recomputes the practice's sealed hash chain and reports the first link that does not hold, then counts the audit
/// rows the sealer has not chained yet: normal for a moment after they are written, a break once they are older than
/// the grace period. Runs in one repeatable-read snapshot, so the sealer working meanwhile cannot skew the counts.
/// </summary>
public static class VerifyAuditChain
{
    private const int BatchSize = 1000;

    [RequiresRole(Role.Owner)]
    public sealed record Query : IQuery<Report>;

    public sealed record Report(bool Valid, long CheckedEntries, long? FirstBrokenSeq, string? Problem, long UnsealedEntries);

    public sealed class Handler(AppDbContext db, TimeProvider clock, IOptions<AuditOptions> options) : IQueryHandler<Query, Report>
    {
        public async ValueTask<Report> Handle(Query query, CancellationToken ct)
        {
            await using var snapshot = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
            var unsealed = db.AuditLog.Where(a => !db.AuditSeals.Any(s => s.AuditId == a.Id));
            var unsealedEntries = await unsealed.LongCountAsync(ct);
            var grace = options.Value.SealGracePeriod;
            var cutoff = clock.UtcNow() - grace;
            var overdue = await unsealed.LongCountAsync(a => a.OccurredAt < cutoff, ct);
            // A second link to a row already in the chain: the unique index forbids it, so only a hand-made one exists.
            var firstDuplicate = await db.AuditSeals
                .Where(s => db.AuditSeals.Any(earlier => earlier.AuditId == s.AuditId && earlier.Seq < s.Seq))
                .MinAsync(s => (long?)s.Seq, ct);

            var previousHash = AuditChain.Genesis;
            long expectedSeq = 1, checkedEntries = 0;
            while (true)
            {
                var batch = await (
                        from s in db.AuditSeals
                        where s.Seq >= expectedSeq
                        join a in db.AuditLog on s.AuditId equals a.Id into rows
                        from a in rows.DefaultIfEmpty()
                        orderby s.Seq
                        select new { Seal = s, Entry = a })
                    .AsNoTracking()
                    .Take(BatchSize)
                    .ToListAsync(ct);
                foreach (var (seal, entry) in batch.Select(b => (b.Seal, b.Entry)))
                {
                    if (seal.Seq != expectedSeq) return Broken(checkedEntries, expectedSeq, "An entry is missing.", unsealedEntries);
                    if (seal.Seq == firstDuplicate) return Broken(checkedEntries, seal.Seq, "The entry is sealed twice.", unsealedEntries);
                    if (!CryptographicOperations.FixedTimeEquals(seal.PrevHash, previousHash))
                        return Broken(checkedEntries, seal.Seq, "The link to the previous entry does not match.", unsealedEntries);
                    if (entry is null) return Broken(checkedEntries, seal.Seq, "The entry was deleted after it was sealed.", unsealedEntries);
                    if (!CryptographicOperations.FixedTimeEquals(AuditChain.ComputeHash(entry, seal.Seq, seal.PrevHash), seal.Hash))
                        return Broken(checkedEntries, seal.Seq, "The entry was altered after it was written.", unsealedEntries);
                    previousHash = seal.Hash;
                    expectedSeq++;
                    checkedEntries++;
                }
                if (batch.Count < BatchSize) break;
            }

            return overdue > 0
                ? new Report(false, checkedEntries, null,
                    $"Unsealed entries older than {grace}: {overdue}. The sealer is not running, or they were slipped past it.", unsealedEntries)
                : new Report(true, checkedEntries, null, null, unsealedEntries);
        }

        private static Report Broken(long checkedEntries, long seq, string problem, long unsealedEntries) => new(false, checkedEntries, seq, problem, unsealedEntries);
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/audit/verify", async (ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new Query(), ct)))
                .WithTags("Audit").WithName("VerifyAuditChain").RequireAuthorization()
                .WithSummary("Verify the audit chain")
                .WithDescription(
                    "Recomputes the practice's hash chain and reports the first entry that does not hold, and how many entries are " +
                    "not sealed yet; `valid` is false too when unsealed entries are older than the grace period.")
                .Produces<Report>().ProducesProblem(StatusCodes.Status403Forbidden);
    }
}
