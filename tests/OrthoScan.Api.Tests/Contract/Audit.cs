namespace OrthoScan.Api.Tests.Contract;

/// <summary>GET /audit (a page of these), newest first; <c>seq</c> is null until the sealer has chained the entry.</summary>
public sealed record AuditEntryDto(
    long Id,
    long? Seq,
    DateTime OccurredAt,
    Guid? UserId,
    string? ActorRole,
    string Action,
    string? ResourceType,
    Guid? ResourceId,
    string? IpAddress);

/// <summary>GET /audit/verify.</summary>
public sealed record AuditChainReportDto(bool Valid, long CheckedEntries, long? FirstBrokenSeq, string? Problem, long UnsealedEntries);

/// <summary>GET /admin/audit (a page of these), newest first: one link of the platform audit chain.</summary>
public sealed record PlatformAuditEntryDto(
    long Seq,
    DateTime OccurredAt,
    Guid? ActorUserId,
    string ActorRole,
    string Action,
    string? ResourceType,
    Guid? ResourceId,
    Guid? PracticeId);

/// <summary>GET /admin/audit/verify.</summary>
public sealed record PlatformAuditReportDto(bool Valid, long Rows, long? FirstBrokenSeq);
