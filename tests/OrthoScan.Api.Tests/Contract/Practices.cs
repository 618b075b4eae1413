namespace OrthoScan.Api.Tests.Contract;

/// <summary>GET /practice: the caller's practice and their own membership.</summary>
public sealed record PracticeDto(Guid Id, string Name, string? Address, SubscriptionTier SubscriptionTier, PracticeStatus Status, PracticeMeDto Me);

public sealed record PracticeMeDto(Guid Id, Guid UserId, string Name, string Email, Role Role);

/// <summary>GET /practice/members.</summary>
public sealed record MembersDto(IReadOnlyList<MemberDto> Items);

public sealed record MemberDto(Guid Id, string Name, string Email, Role Role, MemberStatus Status);

public enum Role { Owner, Doctor, Staff, Patient, Finance, PlatformAdmin }

public enum SubscriptionTier { Trial, Starter, Professional, Enterprise }

public enum PracticeStatus { Active, Suspended, Closed }

public enum MemberStatus { Invited, Active, Disabled }

/// <summary>GET and PATCH /practice/settings.</summary>
public sealed record PracticeSettingsDto(
    Guid PracticeId,
    string Name,
    string? Country,
    string? Region,
    string Timezone,
    string? BillingEmail,
    DataChoiceDto ShareDeidentifiedData,
    DataChoiceDto ExternalAiProcessing);

public sealed record DataChoiceDto(bool Enabled, string? ChangedBy, DateTime? ChangedAt);

/// <summary>GET /admin/practices (platform admin): aggregates per practice, no patient.</summary>
public sealed record PracticeSummaryDto(
    Guid PracticeId, string Name, SubscriptionTier SubscriptionTier, PracticeStatus Status, DateTime CreatedAt,
    long ActivePatients, long ScansLast7Days, long ScansLast28Days, decimal? TaggingRate);
