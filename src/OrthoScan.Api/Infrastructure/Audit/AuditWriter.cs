using Microsoft.Extensions.Options;

namespace OrthoScan.Api.Infrastructure.Audit;

/// <summary>
/// Writes one audit row, with no lock and no read of the chain, so audited requests of a practice never wait for each
/// other. Inside a transaction (a command's, a job's) the row is one INSERT in it: it commits with the change or not at
/// all. A read, with no transaction, hands its row to <see cref="AuditGroupCommit"/> and waits until it is committed.
/// A trigger queues every row, and <see cref="AuditSealer"/> chains it afterwards.
/// A platform user (finance, platform admin) belongs to no practice: their rows go to the platform chain instead
/// (<see cref="PlatformAuditWriter"/>), and never to a practice's.
/// </summary>
public sealed class AuditWriter(
    AppDbContext db, RequestContext context, TimeProvider clock, IOptions<AuditOptions> options, AuditGroupCommit groupCommit,
    PlatformAuditWriter platform, ILogger<AuditWriter> logger)
{
    public async Task WriteAsync(string action, AuditRecord record, CancellationToken ct)
    {
        if (!options.Value.Enabled) return;
        if (PlatformAuditWriter.IsPlatformCaller(context))
        {
            await platform.WriteAsync(
                new PlatformAuditRecord(context.UserId, context.Role!.Value.ToClaim(), action, record.ResourceType, record.ResourceId, null, context.IpAddress), ct);
            return;
        }
        if (context.PracticeId is not { } practiceId)
        {
            // Sign-in steps before the caller is known: they are not an action of anyone yet.
            logger.LogWarning("Audit of {Action} skipped: no practice context", action);
            return;
        }

        var row = new AuditEntry
        {
            PracticeId = practiceId,
            UserId = context.UserId ?? context.PatientId,
            ActorRole = context.Role?.ToClaim(),
            Action = action,
            ResourceType = record.ResourceType,
            ResourceId = record.ResourceId,
            IpAddress = context.IpAddress,
            OccurredAt = clock.UtcNow(),
        };
        if (db.Database.CurrentTransaction is null)
        {
            await groupCommit.WriteAsync(row, ct);
            return;
        }
        // One plain statement (no change tracking, nothing read back).
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO audit_log (practice_id, user_id, actor_role, action, resource_type, resource_id, ip_address, occurred_at)
            VALUES ({row.PracticeId}, {row.UserId}, {row.ActorRole}, {row.Action}, {row.ResourceType}, {row.ResourceId}, {row.IpAddress}, {row.OccurredAt})
            """, ct);
    }
}
