namespace OrthoScan.Api.Features.Auth;

public enum MfaStep { Enroll, Verify }

/// <summary>The password step succeeded; the MFA step named here must follow with this token.</summary>
public sealed record MfaChallenge(MfaStep MfaRequired, string MfaToken);

public static class PasswordRules
{
    public const int MinLength = 12;

    public static IRuleBuilderOptions<T, string> StrongPassword<T>(this IRuleBuilder<T, string> rule) => rule
        .NotEmpty()
        .MinimumLength(MinLength).WithMessage($"Use at least {MinLength} characters.")
        .MaximumLength(128)
        .Must(p => p is null || p.Distinct().Count() >= 5).WithMessage("Use a less repetitive password.");

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();
}

public static class Memberships
{
    /// <summary>The account's active membership; visible through row-level security because the caller proved to be this account.</summary>
    public static async Task<PracticeMember?> FindActiveAsync(AppDbContext db, TenantScope tenant, Guid accountId, CancellationToken ct)
    {
        await tenant.EnterIdentityAsync(accountId, null, ct);
        var membership = await db.PracticeMembers.AsNoTracking().IgnoreQueryFilters()
            .Where(m => m.UserId == accountId && m.Status == MemberStatus.Active)
            .OrderBy(m => m.CreatedAt)
            .FirstOrDefaultAsync(ct);
        if (membership is not null) await tenant.EnterPracticeAsync(membership.PracticeId, accountId, membership.Role, ct);
        return membership;
    }
}
