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

        // One plain statement (no change tracking, nothing read back): this runs on every audited request.
        var userId = context.UserId ?? context.PatientId;
        var actorRole = context.Role?.ToClaim();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO audit_log (practice_id, user_id, actor_role, action, resource_type, resource_id, ip_address, occurred_at)
            VALUES ({practiceId}, {userId}, {actorRole}, {action}, {record.ResourceType}, {record.ResourceId}, {context.IpAddress}, {clock.UtcNow()})
            """, ct);
    }
}
