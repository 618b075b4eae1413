using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OrthoScan.Api.Infrastructure.Security;

public sealed record AccessGrant(string AccessToken, string? RefreshToken, int ExpiresIn);

/// <summary>A valid MFA token: whose password step it proves, and its id (which the attempt count and the spend key on).</summary>
public sealed record MfaTicket(Guid UserId, string TokenId);

/// <summary>Issues short-lived access JWTs and MFA challenge tokens, and makes opaque refresh tokens.</summary>
public sealed class TokenService(AuthOptions options, SigningKeys keys, TimeProvider clock)
{
    public const string MfaAudienceSuffix = ":mfa";
    private readonly JsonWebTokenHandler _handler = new();

    public string CreateAccessToken(Guid subject, Role role, Guid? practiceId, Guid sessionFamily)
    {
        var claims = new Dictionary<string, object>
        {
            [Claims.Subject] = subject.ToString(),
            [Claims.Role] = role.ToClaim(),
            [Claims.SessionFamily] = sessionFamily.ToString(),
            [Claims.TokenId] = Guid.NewGuid().ToString("N"),
        };
        if (practiceId is { } practice) claims[Claims.PracticeId] = practice.ToString();
        return Sign(claims, options.Audience, options.AccessTokenLifetime);
    }

    /// <summary>Proves that the password step succeeded; good only for the MFA endpoints and only for a few minutes.</summary>
    public string CreateMfaToken(Guid userId) =>
        Sign(new Dictionary<string, object> { [Claims.Subject] = userId.ToString(), [Claims.TokenId] = Guid.NewGuid().ToString("N") },
            options.Audience + MfaAudienceSuffix, options.MfaTokenLifetime);

    public async Task<MfaTicket?> ReadMfaTokenAsync(string token)
    {
        var result = await _handler.ValidateTokenAsync(token, ValidationParameters(options, keys, options.Audience + MfaAudienceSuffix, clock));
        return result.IsValid
               && Guid.TryParse(result.ClaimsIdentity.FindFirst(Claims.Subject)?.Value, out var id)
               && result.ClaimsIdentity.FindFirst(Claims.TokenId)?.Value is { Length: > 0 } tokenId
            ? new MfaTicket(id, tokenId)
            : null;
    }

    public static (string Token, byte[] Hash) CreateRefreshToken()
    {
        var token = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return (token, HashOpaque(token));
    }

    public static byte[] HashOpaque(string token) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token));

    public int AccessTokenSeconds => (int)options.AccessTokenLifetime.TotalSeconds;

    private string Sign(Dictionary<string, object> claims, string audience, TimeSpan lifetime)
    {
        var now = clock.UtcNow();
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.Add(lifetime),
            SigningCredentials = new SigningCredentials(keys.Current, SecurityAlgorithms.EcdsaSha256),
        });
    }

    public static TokenValidationParameters ValidationParameters(AuthOptions options, SigningKeys keys, string audience, TimeProvider clock) => new()
    {
        ValidIssuer = options.Issuer,
        ValidAudience = audience,
        IssuerSigningKeys = keys.Accepted,
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ClockSkew = options.ClockSkew,
        NameClaimType = Claims.Subject,
        RoleClaimType = Claims.Role,
        LifetimeValidator = (notBefore, expires, _, p) =>
        {
            var now = clock.UtcNow();
            return expires is { } exp && exp.Add(p.ClockSkew) >= now && (notBefore is null || notBefore.Value.Subtract(p.ClockSkew) <= now);
        },
    };
}
