using System.Net;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Auth;

/// <summary>
/// Bearer tokens an attacker could bring. Each is the token the server would issue, with one thing wrong; the first
/// test shows that the untouched token is accepted, so each refusal is down to that one thing.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AccessTokenTests(ApiFactory api)
{
    private const string Issuer = "orthoscan";
    private const string Audience = "orthoscan-api";

    [Fact]
    public async Task A_token_signed_with_the_server_key_is_accepted()
    {
        var owner = await api.RegisterPracticeAsync();

        await (await api.ListPatientsAsync(Mint(owner, ServerCredentials()))).ShouldBeAsync<PageDto<PatientDto>>(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Expired_token_is_refused()
    {
        var owner = await api.RegisterPracticeAsync();
        // Beyond the 30 s clock skew the server tolerates.
        var token = Mint(owner, ServerCredentials(), expires: DateTime.UtcNow.AddMinutes(-2));

        await (await api.ListPatientsAsync(token)).ShouldFailAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Token_signed_with_another_key_is_refused()
    {
        var owner = await api.RegisterPracticeAsync();
        using var forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        // The forger claims the server's key id.
        var forged = new ECDsaSecurityKey(forger) { KeyId = ServerCredentials().Key.KeyId };

        var token = Mint(owner, new SigningCredentials(forged, SecurityAlgorithms.EcdsaSha256));

        await (await api.ListPatientsAsync(token)).ShouldFailAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Unsigned_alg_none_token_is_refused()
    {
        var owner = await api.RegisterPracticeAsync();
        var token = Mint(owner, credentials: null);
        new JsonWebToken(token).Alg.ShouldBe("none");

        await (await api.ListPatientsAsync(token)).ShouldFailAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Token_for_another_audience_is_refused()
    {
        var owner = await api.RegisterPracticeAsync();

        var token = Mint(owner, ServerCredentials(), audience: "some-other-api");

        await (await api.ListPatientsAsync(token)).ShouldFailAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Token_from_another_issuer_is_refused()
    {
        var owner = await api.RegisterPracticeAsync();

        var token = Mint(owner, ServerCredentials(), issuer: "https://evil.example");

        await (await api.ListPatientsAsync(token)).ShouldFailAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Mfa_token_is_not_an_access_token()
    {
        var owner = await api.RegisterPracticeAsync();
        var mfaToken = await api.PasswordStepAsync(owner);
        new JsonWebToken(mfaToken).Audiences.ShouldBe([Audience + ":mfa"]);

        await (await api.ListPatientsAsync(mfaToken)).ShouldFailAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Request_without_a_token_is_refused()
    {
        await (await api.ListPatientsAsync(accessToken: null)).ShouldFailAsync(HttpStatusCode.Unauthorized);
    }

    private SigningCredentials ServerCredentials()
    {
        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(File.ReadAllText(api.SigningKeyPath));
        var key = new ECDsaSecurityKey(ecdsa) { KeyId = Base64UrlEncoder.Encode(SHA256.HashData(ecdsa.ExportSubjectPublicKeyInfo()))[..16] };
        return new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256);
    }

    /// <summary>An owner access token as the server issues it (claims, lifetime), with the given parts swapped.</summary>
    private static string Mint(Session owner, SigningCredentials? credentials, string issuer = Issuer, string audience = Audience, DateTime? expires = null)
    {
        var expiry = expires ?? DateTime.UtcNow.AddMinutes(10);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = expiry.AddMinutes(-10),
            NotBefore = expiry.AddMinutes(-10),
            Expires = expiry,
            Claims = new Dictionary<string, object>
            {
                ["sub"] = owner.UserId.ToString(),
                ["role"] = "owner",
                ["practice_id"] = owner.PracticeId.ToString(),
                ["sid"] = Guid.NewGuid().ToString(),
                ["jti"] = Guid.NewGuid().ToString("N"),
            },
            SigningCredentials = credentials,
        });
    }
}
