using System.Security.Cryptography;
using OrthoScan.Api.Infrastructure.Audit;

namespace OrthoScan.Api.Features.Audit;

/// <summary>Recomputes the practice's hash chain and reports the first link that does not hold.</summary>
public static class VerifyAuditChain
{
    private const int BatchSize = 1000;

    [RequiresRole(Role.Owner)]
    public sealed record Query : IQuery<Report>;

    public sealed record Report(bool Valid, long CheckedEntries, long? FirstBrokenSeq, string? Problem);

    public sealed class Handler(AppDbContext db) : IQueryHandler<Query, Report>
    {
        public async ValueTask<Report> Handle(Query query, CancellationToken ct)
        {
            var previousHash = new byte[32];
            long expectedSeq = 1, checkedEntries = 0;
            while (true)
            {
                var batch = await db.AuditLog.AsNoTracking()
                    .Where(a => a.Seq >= expectedSeq)
                    .OrderBy(a => a.Seq)
                    .Take(BatchSize)
                    .ToListAsync(ct);
                foreach (var entry in batch)
                {
                    if (entry.Seq != expectedSeq) return Broken(checkedEntries, expectedSeq, "An entry is missing.");
                    if (!CryptographicOperations.FixedTimeEquals(entry.PrevHash, previousHash))
                        return Broken(checkedEntries, entry.Seq, "The link to the previous entry does not match.");
                    if (!CryptographicOperations.FixedTimeEquals(AuditWriter.ComputeHash(entry), entry.Hash))
                        return Broken(checkedEntries, entry.Seq, "The entry was altered after it was written.");
                    previousHash = entry.Hash;
                    expectedSeq++;
                    checkedEntries++;
                }
                if (batch.Count < BatchSize) return new Report(true, checkedEntries, null, null);
            }
        }

        private static Report Broken(long checkedEntries, long seq, string problem) => new(false, checkedEntries, seq, problem);
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/audit/verify", async (ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new Query(), ct)))
                .WithTags("Audit").WithName("VerifyAuditChain").RequireAuthorization()
                .Produces<Report>().ProducesProblem(StatusCodes.Status403Forbidden);
    }
}
