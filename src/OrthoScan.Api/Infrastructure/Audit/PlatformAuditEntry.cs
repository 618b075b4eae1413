using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OrthoScan.Api.Infrastructure.Audit;

/// <summary>
/// One action of a platform user (finance, platform admin) or of the API binary's commands, and its link in the platform
/// hash chain: position <see cref="Seq"/> (from 1, no gaps), the previous link's hash and its own. Chained when it is
/// written (ADR 0011). Not tenant data: <see cref="PracticeId"/> names the practice the action was about, if any, and
/// never makes the row visible to that practice.
/// </summary>
public sealed class PlatformAuditEntry
{
    public long Seq { get; set; }
    /// <summary>Null for the API binary's commands, which no signed-in user runs.</summary>
    public Guid? ActorUserId { get; set; }
    /// <summary><c>finance</c>, <c>platform_admin</c>, or <c>cli</c> for a command on the API binary.</summary>
    public required string ActorRole { get; set; }
    public required string Action { get; set; }
    public string? ResourceType { get; set; }
    public Guid? ResourceId { get; set; }
    /// <summary>The practice the action was about, when it was about one.</summary>
    public Guid? PracticeId { get; set; }
    public string? IpAddress { get; set; }
    public DateTime OccurredAt { get; set; }
    public required byte[] PrevHash { get; set; }
    public required byte[] Hash { get; set; }
}

internal sealed class PlatformAuditEntryConfiguration : IEntityTypeConfiguration<PlatformAuditEntry>
{
    public void Configure(EntityTypeBuilder<PlatformAuditEntry> e)
    {
        e.ToTable("platform_audit_log", t => t.HasCheckConstraint("ck_platform_audit_log_seq", "seq >= 1"));
        // The key is the chain position: two writers that ever computed the same next link cannot both insert it.
        e.HasKey(a => a.Seq);
        e.Property(a => a.Seq).ValueGeneratedNever();
        e.Property(a => a.ActorRole).HasMaxLength(40);
        e.Property(a => a.Action).HasMaxLength(100);
        e.Property(a => a.ResourceType).HasMaxLength(60);
        e.Property(a => a.IpAddress).HasMaxLength(64);
    }
}
