using System.Data;
using System.Security.Cryptography;
using OrthoScan.Api.Infrastructure.Audit;

namespace OrthoScan.Api.Features.Audit;

/// <summary>
/// Recomputes the platform audit chain from its first link and names the first one that does not hold: a missing
/// position (a row deleted), a link whose previous hash does not match, or a row altered after it was written. Runs in
/// one repeatable-read snapshot, so rows appended meanwhile cannot skew the walk.
/// </summary>
public static class VerifyPlatformAuditChain
{
    private const int BatchSize = 1000;

    [RequiresRole(Role.PlatformAdmin)]
    public sealed record Query : IQuery<Report>;

    /// <param name="Rows">The rows in the platform chain when it was checked.</param>
    /// <param name="FirstBrokenSeq">The first position that does not hold; null when the chain is whole.</param>
    public sealed record Report(bool Valid, long Rows, long? FirstBrokenSeq);

    public sealed class Handler(AppDbContext db) : IQueryHandler<Query, Report>
    {
        public async ValueTask<Report> Handle(Query query, CancellationToken ct)
        {
            await using var snapshot = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
            var rows = await db.PlatformAuditLog.LongCountAsync(ct);
            var previousHash = AuditChain.Genesis;
            long expectedSeq = 1;
            while (true)
            {
                var batch = await db.PlatformAuditLog.AsNoTracking().Where(a => a.Seq >= expectedSeq).OrderBy(a => a.Seq).Take(BatchSize).ToListAsync(ct);
                foreach (var entry in batch)
                {
                    if (entry.Seq != expectedSeq
                        || !CryptographicOperations.FixedTimeEquals(entry.PrevHash, previousHash)
                        || !CryptographicOperations.FixedTimeEquals(AuditChain.ComputeHash(entry), entry.Hash))
                        return new Report(false, rows, expectedSeq);
                    previousHash = entry.Hash;
                    expectedSeq++;
                }
                if (batch.Count < BatchSize) return new Report(true, rows, null);
            }
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/admin/audit/verify", async (ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new Query(), ct)))
                .WithTags("Audit").WithName("VerifyPlatformAuditChain").RequireAuthorization()
                .WithSummary("Verify the platform audit chain (platform admin)")
                .WithDescription(
                    "Recomputes the platform audit chain from its first entry: `valid` is false and `firstBrokenSeq` names the first " +
                    "position that does not hold when an entry was deleted (its position is missing) or altered after it was " +
                    "written, or a link does not match the one before it. `rows` is how many entries the chain holds.")
                .WithResponseExample(new Report(false, 128, 57))
                .Produces<Report>().ProducesProblem(StatusCodes.Status403Forbidden);
    }
}
