using Microsoft.Extensions.Options;

namespace OrthoScan.Api.Infrastructure.Audit;

/// <summary>What a platform action leaves in the platform audit chain.</summary>
/// <param name="ActorRole"><c>finance</c>, <c>platform_admin</c>, or <c>cli</c> for a command on the API binary.</param>
/// <param name="PracticeId">The practice the action was about, if any.</param>
public sealed record PlatformAuditRecord(
    Guid? ActorUserId, string ActorRole, string Action, string? ResourceType, Guid? ResourceId, Guid? PracticeId, string? IpAddress);

/// <summary>
/// Appends to the platform audit chain, linked as it is written (ADR 0011): under a transaction-scoped advisory lock it
/// reads the head link, computes the next one and inserts it, so the chain is whole the moment the row commits. Platform
/// actions are few (a handful of finance and admin users), so writing them one at a time costs nothing that matters, and
/// it needs no sealer. Inside a transaction (a command's) the row commits with the change or not at all, and the lock is
/// held until then; without one (a read) the row gets a short transaction of its own, and the read answers once it is
/// committed.
/// </summary>
public sealed class PlatformAuditWriter(AppDbContext db, TimeProvider clock, IOptions<AuditOptions> options)
{
    public const string ChainLock = "platform_audit_log";

    /// <summary>The actor role of the API binary's commands (create-platform-user), which no signed-in user runs.</summary>
    public const string CliActorRole = "cli";

    /// <summary>A caller of the platform (finance, platform admin): no practice, a platform role.</summary>
    public static bool IsPlatformCaller(RequestContext context) => context.PracticeId is null && context.Role is Role.Finance or Role.PlatformAdmin;

    public async Task WriteAsync(PlatformAuditRecord record, CancellationToken ct)
    {
        if (!options.Value.Enabled) return;
        var ownTransaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        await using (ownTransaction)
        {
            await db.LockForTransactionAsync(LockSpace.Named, ChainLock, ct);
            // Read after the lock: the previous holder's link is committed by now.
            var head = await db.PlatformAuditLog.AsNoTracking().OrderByDescending(a => a.Seq).Select(a => new { a.Seq, a.Hash }).FirstOrDefaultAsync(ct);
            var row = new PlatformAuditEntry
            {
                Seq = (head?.Seq ?? 0) + 1,
                ActorUserId = record.ActorUserId,
                ActorRole = record.ActorRole,
                Action = record.Action,
                ResourceType = record.ResourceType,
                ResourceId = record.ResourceId,
                PracticeId = record.PracticeId,
                IpAddress = record.IpAddress,
                // PostgreSQL keeps microseconds: hash the time the row will read back as.
                OccurredAt = TruncateToMicroseconds(clock.UtcNow()),
                PrevHash = head?.Hash ?? AuditChain.Genesis,
                Hash = [],
            };
            row.Hash = AuditChain.ComputeHash(row);
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO platform_audit_log (seq, actor_user_id, actor_role, action, resource_type, resource_id, practice_id, ip_address, occurred_at, prev_hash, hash)
                VALUES ({row.Seq}, {row.ActorUserId}, {row.ActorRole}, {row.Action}, {row.ResourceType}, {row.ResourceId}, {row.PracticeId},
                        {row.IpAddress}, {row.OccurredAt}, {row.PrevHash}, {row.Hash})
                """, ct);
            if (ownTransaction is not null) await ownTransaction.CommitAsync(ct);
        }
    }

    private static DateTime TruncateToMicroseconds(DateTime time) => new(time.Ticks - time.Ticks % (TimeSpan.TicksPerMillisecond / 1000), DateTimeKind.Utc);
}
