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

public static class MfaRequests
{
    /// <summary>
    /// The MFA token of an enrol or verify request, within the MFA rate limits per IP and per account
    /// (429 with Retry-After past either; 401 when the token is not valid).
    /// </summary>
    public static async Task<MfaTicket> AdmitAsync(string mfaToken, TokenService tokens, RateLimiter limiter, AuthOptions options, RequestContext context)
    {
        var window = TimeSpan.FromMinutes(1);
        if (await limiter.HitAsync("mfa-ip", context.IpAddress ?? "unknown", options.MfaRequestsPerMinutePerIp, window) is { } ipRetry)
            throw new TooManyRequestsException(ipRetry);
        var ticket = await tokens.ReadMfaTokenAsync(mfaToken)
                     ?? throw new UnauthorizedException("invalid-mfa-token", "The sign-in step has expired. Sign in again.");
        if (await limiter.HitAsync("mfa-account", ticket.UserId.ToString(), options.MfaRequestsPerMinutePerAccount, window) is { } accountRetry)
            throw new TooManyRequestsException(accountRetry);
        return ticket;
    }
}
