using System.Security.Cryptography;

namespace OrthoScan.Api.Infrastructure.Security;

public sealed record IssuedCode(string Code, DateTime ExpiresAt);

/// <summary>
/// One-time invitation codes: 10 characters from an alphabet without look-alikes (~50 bits), stored only as a hash.
/// Redeeming endpoints are rate limited, so guessing is hopeless.
/// </summary>
public sealed class InvitationCodes(AppDbContext db, AuthOptions options, TimeProvider clock)
{
    private const string Alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    private const int Length = 10;

    public Task<IssuedCode> IssueAsync(OneTimeCodePurpose purpose, Guid subjectId, CancellationToken ct) =>
        IssueAsync(purpose, subjectId, options.InvitationLifetime, Length, ct);

    /// <param name="length">Characters of the code: 10 for a code typed by hand, more for one that only travels in a link.</param>
    public async Task<IssuedCode> IssueAsync(OneTimeCodePurpose purpose, Guid subjectId, TimeSpan lifetime, int length, CancellationToken ct)
    {
        var now = clock.UtcNow();
        // A new code replaces any unused one for the same subject.
        await db.OneTimeCodes.Where(c => c.SubjectId == subjectId && c.Purpose == purpose && c.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, now), ct);
        var code = RandomNumberGenerator.GetString(Alphabet, length);
        var issued = new OneTimeCode
        {
            CodeHash = Hash(code), Purpose = purpose, SubjectId = subjectId, CreatedAt = now, ExpiresAt = now.Add(lifetime),
        };
        db.OneTimeCodes.Add(issued);
        await db.SaveChangesAsync(ct);
        return new IssuedCode(code, issued.ExpiresAt);
    }

    /// <summary>
    /// A fresh set of codes for one subject, replacing every unused one of the purpose (MFA recovery codes: ten at enrolment).
    /// Shown once as <c>XXXXX-XXXXX</c>; the dash is optional when typed.
    /// </summary>
    public async Task<IReadOnlyList<string>> IssueSetAsync(OneTimeCodePurpose purpose, Guid subjectId, int count, TimeSpan lifetime, CancellationToken ct)
    {
        var now = clock.UtcNow();
        await db.OneTimeCodes.Where(c => c.SubjectId == subjectId && c.Purpose == purpose && c.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, now), ct);
        var codes = Enumerable.Range(0, count).Select(_ => RandomNumberGenerator.GetString(Alphabet, Length)).ToList();
        db.OneTimeCodes.AddRange(codes.Select(code => new OneTimeCode
        {
            CodeHash = Hash(code), Purpose = purpose, SubjectId = subjectId, CreatedAt = now, ExpiresAt = now.Add(lifetime),
        }));
        await db.SaveChangesAsync(ct);
        return [.. codes.Select(c => $"{c[..5]}-{c[5..]}")];
    }

    /// <summary>Redeems a code only for this subject: a code of another account is not touched.</summary>
    public async Task<bool> RedeemForAsync(OneTimeCodePurpose purpose, Guid subjectId, string code, CancellationToken ct)
    {
        var now = clock.UtcNow();
        var hash = Hash(code);
        return await db.OneTimeCodes
            .Where(c => c.CodeHash == hash && c.Purpose == purpose && c.SubjectId == subjectId && c.UsedAt == null && c.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, now), ct) == 1;
    }

    /// <returns>The subject id, with the code marked used; null when the code is unknown, used or expired.</returns>
    /// <remarks>
    /// One conditional UPDATE claims the code: of parallel redemptions the row lock lets exactly one match
    /// <c>used_at IS NULL</c>; the others find it used. (Reading first and then writing let two of them through.)
    /// </remarks>
    public async Task<Guid?> RedeemAsync(OneTimeCodePurpose purpose, string code, CancellationToken ct)
    {
        var now = clock.UtcNow();
        var hash = Hash(code);
        var claimed = await db.OneTimeCodes
            .Where(c => c.CodeHash == hash && c.Purpose == purpose && c.UsedAt == null && c.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, now), ct);
        if (claimed == 0) return null;
        return await db.OneTimeCodes.AsNoTracking().Where(c => c.CodeHash == hash).Select(c => c.SubjectId).SingleAsync(ct);
    }

    private static byte[] Hash(string code) => TokenService.HashOpaque(code.Trim().Replace("-", "", StringComparison.Ordinal).ToUpperInvariant());
}
