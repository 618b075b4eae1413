namespace OrthoScan.Api.Infrastructure.Security;

/// <summary>Starts a signed-in session: a new refresh-token family and its first access token.</summary>
public sealed class SessionIssuer(AppDbContext db, TokenService tokens, AuthOptions options, TimeProvider clock)
{
    public Task<AccessGrant> ForUserAsync(UserAccount account, PracticeMember? membership, CancellationToken ct)
    {
        var role = membership?.Role ?? account.PlatformRole ?? throw new InvalidOperationException("Account has neither a practice nor a platform role.");
        return IssueAsync(account.Id, null, role, membership?.PracticeId, null, options.RefreshTokenLifetime, ct);
    }

    public Task<AccessGrant> ForPatientAsync(Patient patient, string deviceId, CancellationToken ct) =>
        IssueAsync(null, patient.Id, Role.Patient, patient.PracticeId, deviceId, options.PatientRefreshTokenLifetime, ct);

    /// <summary>The next token of an existing family (refresh-token rotation).</summary>
    public async Task<AccessGrant> RotateAsync(RefreshToken previous, Role role, Guid? practiceId, CancellationToken ct)
    {
        var now = clock.UtcNow();
        previous.ConsumedAt = now;
        var lifetime = previous.PatientId is null ? options.RefreshTokenLifetime : options.PatientRefreshTokenLifetime;
        var (token, hash) = TokenService.CreateRefreshToken();
        db.RefreshTokens.Add(new RefreshToken
        {
            FamilyId = previous.FamilyId, TokenHash = hash, UserId = previous.UserId, PatientId = previous.PatientId,
            DeviceId = previous.DeviceId, CreatedAt = now, ExpiresAt = now.Add(lifetime),
        });
        await db.SaveChangesAsync(ct);
        var subject = previous.UserId ?? previous.PatientId!.Value;
        return new AccessGrant(tokens.CreateAccessToken(subject, role, practiceId, previous.FamilyId), token, tokens.AccessTokenSeconds);
    }

    private async Task<AccessGrant> IssueAsync(Guid? userId, Guid? patientId, Role role, Guid? practiceId, string? deviceId, TimeSpan lifetime, CancellationToken ct)
    {
        var now = clock.UtcNow();
        var family = Guid.CreateVersion7();
        var (token, hash) = TokenService.CreateRefreshToken();
        db.RefreshTokens.Add(new RefreshToken
        {
            FamilyId = family, TokenHash = hash, UserId = userId, PatientId = patientId, DeviceId = deviceId,
            CreatedAt = now, ExpiresAt = now.Add(lifetime),
        });
        await db.SaveChangesAsync(ct);
        var access = tokens.CreateAccessToken(userId ?? patientId!.Value, role, practiceId, family);
        return new AccessGrant(access, token, tokens.AccessTokenSeconds);
    }
}
