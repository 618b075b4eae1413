namespace OrthoScan.Api.Infrastructure.Security;

/// <summary>Starts, rotates and ends signed-in sessions (refresh-token families and their access tokens).</summary>
public sealed class SessionIssuer(AppDbContext db, TokenService tokens, TokenRevocations revocations, AuthOptions options, TimeProvider clock)
{
    /// <summary>
    /// Ends every session with a live refresh token matching <paramref name="which"/>: in Redis, so their access
    /// tokens stop at once, and in PostgreSQL, so the refresh tokens stay dead if Redis forgets.
    /// </summary>
    public async Task RevokeAsync(System.Linq.Expressions.Expression<Func<RefreshToken, bool>> which, CancellationToken ct)
    {
        var live = db.RefreshTokens.Where(which).Where(t => t.RevokedAt == null);
        foreach (var family in await live.Select(t => t.FamilyId).Distinct().ToListAsync(ct))
            await revocations.RevokeFamilyAsync(family);
        var now = clock.UtcNow();
        await live.ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ct);
    }

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
