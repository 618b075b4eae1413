using System.Security.Cryptography;
using System.Text;

namespace OrthoScan.Api.Infrastructure.Audit;

/// <summary>
/// Appends to the practice's audit chain: each row's hash covers its fields and the previous row's hash, so an
/// edit or a deletion anywhere breaks every later link. An advisory lock per practice keeps the chain linear.
/// </summary>
public sealed class AuditWriter(AppDbContext db, RequestContext context, TimeProvider clock, ILogger<AuditWriter> logger)
{
    public async Task WriteAsync(string action, AuditRecord record, CancellationToken ct)
    {
        if (context.PracticeId is not { } practiceId)
        {
            logger.LogWarning("Audit of {Action} skipped: no practice context", action);
            return;
        }

        var ownTransaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({practiceId.ToString()}, 7411))", ct);
            var last = await db.AuditLog.AsNoTracking().IgnoreQueryFilters()
                .Where(a => a.PracticeId == practiceId)
                .OrderByDescending(a => a.Seq)
                .Select(a => new { a.Seq, a.Hash })
                .FirstOrDefaultAsync(ct);

            var entry = new AuditEntry
            {
                PracticeId = practiceId,
                Seq = (last?.Seq ?? 0) + 1,
                UserId = context.UserId ?? context.PatientId,
                ActorRole = context.Role?.ToClaim(),
                Action = action,
                ResourceType = record.ResourceType,
                ResourceId = record.ResourceId,
                IpAddress = context.IpAddress,
                OccurredAt = clock.UtcNow(),
                PrevHash = last?.Hash ?? new byte[32],
                Hash = [],
            };
            entry.Hash = ComputeHash(entry);
            db.AuditLog.Add(entry);
            await db.SaveChangesAsync(ct);
            if (ownTransaction is not null) await ownTransaction.CommitAsync(ct);
        }
        finally
        {
            if (ownTransaction is not null) await ownTransaction.DisposeAsync();
        }
    }

    public static byte[] ComputeHash(AuditEntry e)
    {
        var canonical = string.Join('|',
            e.PracticeId, e.Seq, e.UserId, e.ActorRole, e.Action, e.ResourceType, e.ResourceId, e.IpAddress,
            e.OccurredAt.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", System.Globalization.CultureInfo.InvariantCulture));
        return SHA256.HashData([.. e.PrevHash, .. Encoding.UTF8.GetBytes(canonical)]);
    }

}
