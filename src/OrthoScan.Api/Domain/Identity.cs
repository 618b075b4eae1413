namespace OrthoScan.Api.Domain;

/// <summary>
/// Sign-in identity of a dashboard user. Not tenant data: one account may belong to a practice through
/// <see cref="PracticeMember"/>, or hold a platform role. It never carries patient data.
/// </summary>
public sealed class UserAccount
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Email { get; set; }
    public string? PasswordHash { get; set; }
    public byte[]? TotpSecretEncrypted { get; set; }
    public bool MfaEnabled { get; set; }
    public long LastTotpStep { get; set; }
    public Role? PlatformRole { get; set; }
    public DateTime CreatedAt { get; set; }
}

public sealed class PracticeMember
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid PracticeId { get; set; }
    public Guid UserId { get; set; }
    public required string Name { get; set; }
    public Role Role { get; set; }
    public string? Credentials { get; set; }
    public MemberStatus Status { get; set; } = MemberStatus.Active;
    public DateTime CreatedAt { get; set; }
}

/// <summary>One rotation chain ("family") of refresh tokens; reuse of a consumed token revokes the family.</summary>
public sealed class RefreshToken
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid FamilyId { get; set; }
    public required byte[] TokenHash { get; set; }
    public Guid? UserId { get; set; }
    public Guid? PatientId { get; set; }
    public string? DeviceId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? ConsumedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}

public enum OneTimeCodePurpose { StaffInvitation, PatientInvitation, PasswordReset, MfaRecovery }

/// <summary>Invitation codes, password-reset tokens and MFA recovery codes, stored only as a hash. The subject is a user account or a patient.</summary>
public sealed class OneTimeCode
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required byte[] CodeHash { get; set; }
    public OneTimeCodePurpose Purpose { get; set; }
    public Guid SubjectId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? UsedAt { get; set; }
}
