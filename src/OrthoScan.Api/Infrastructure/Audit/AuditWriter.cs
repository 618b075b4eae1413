using Microsoft.Extensions.Options;

namespace OrthoScan.Api.Infrastructure.Audit;

/// <summary>
/// Writes one audit row in the caller's transaction (a command's) or on its own (a read): no lock and no read of the
/// chain, so audited requests of a practice never wait for each other. A trigger queues the row, and
/// <see cref="AuditSealer"/> chains it afterwards. A rolled-back command leaves neither row nor queue entry.
/// </summary>
public sealed class AuditWriter(AppDbContext db, RequestContext context, TimeProvider clock, IOptions<AuditOptions> options, ILogger<AuditWriter> logger)
{
    public async Task WriteAsync(string action, AuditRecord record, CancellationToken ct)
    {
        if (!options.Value.Enabled) return;
        if (context.PracticeId is not { } practiceId)
        {
            logger.LogWarning("Audit of {Action} skipped: no practice context", action);
            return;
        }

        db.AuditLog.Add(new AuditEntry
        {
            PracticeId = practiceId,
            UserId = context.UserId ?? context.PatientId,
            ActorRole = context.Role?.ToClaim(),
            Action = action,
            ResourceType = record.ResourceType,
            ResourceId = record.ResourceId,
            IpAddress = context.IpAddress,
            OccurredAt = clock.UtcNow(),
        });
        await db.SaveChangesAsync(ct);
    }
}
