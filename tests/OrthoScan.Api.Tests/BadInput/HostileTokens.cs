using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OrthoScan.Api.Tests.BadInput;

/// <summary>
/// Bearer tokens an attacker could bring, each made from the claims of a token the server really issued with one thing
/// wrong: forged (another key under the server's key id, alg none, HS256 keyed with the public key, a payload changed
/// under the real signature to a platform admin of another practice, no signature), out of date (expired, not yet valid), meant for something else (another
/// audience or issuer, the MFA step), or not a token at all.
/// </summary>
public static class HostileTokens
{
    public const string EscalatedRole = "platform_admin";

    public static List<(string Kind, string Token)> From(string realToken, string signingKeyPath, Guid otherPractice)
    {
        var parts = realToken.Split('.');
        var real = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!.AsObject();
        var issuer = real["iss"]!.GetValue<string>();
        var audience = real["aud"]!.GetValue<string>();
        var claims = new Dictionary<string, object>();
        foreach (var (name, value) in real)
        {
            if (name is not ("iss" or "aud" or "exp" or "nbf" or "iat")) claims[name] = value is JsonValue v && v.TryGetValue<string>(out var text) ? text : value!.ToJsonString();
        }

        using var server = ECDsa.Create();
        server.ImportFromPem(File.ReadAllText(signingKeyPath));
        var serverKey = new ECDsaSecurityKey(server) { KeyId = Base64UrlEncoder.Encode(SHA256.HashData(server.ExportSubjectPublicKeyInfo()))[..16] };
        var serverCredentials = new SigningCredentials(serverKey, SecurityAlgorithms.EcdsaSha256);
        using var forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forgerCredentials = new SigningCredentials(new ECDsaSecurityKey(forger) { KeyId = serverKey.KeyId }, SecurityAlgorithms.EcdsaSha256);
        var publicKeyAsSecret = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(server.ExportSubjectPublicKeyInfoPem())) { KeyId = serverKey.KeyId },
            SecurityAlgorithms.HmacSha256);

        var escalated = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!.AsObject();
        escalated["role"] = EscalatedRole;
        escalated["practice_id"] = otherPractice.ToString();
        var tampered = Base64UrlEncoder.Encode(escalated.ToJsonString());
        if (tampered == parts[1]) throw new InvalidOperationException("The changed payload must differ from the signed one.");
        var now = DateTime.UtcNow;

        string Mint(SigningCredentials? credentials, DateTime? expires = null, DateTime? notBefore = null, string? aud = null, string? iss = null)
        {
            var expiry = expires ?? now.AddMinutes(10);
            return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
            {
                Issuer = iss ?? issuer,
                Audience = aud ?? audience,
                IssuedAt = notBefore ?? expiry.AddMinutes(-10),
                NotBefore = notBefore ?? expiry.AddMinutes(-10),
                Expires = expiry,
                Claims = new Dictionary<string, object>(claims) { ["jti"] = Guid.NewGuid().ToString("N") },
                SigningCredentials = credentials,
            });
        }

        return
        [
            ("signed with another key under the server's key id", Mint(forgerCredentials)),
            ("alg none", Mint(credentials: null)),
            ("HS256 keyed with the server's public key", Mint(publicKeyAsSecret)),
            ($"role and practice changed under the real signature", $"{parts[0]}.{tampered}.{parts[2]}"),
            ("signature stripped", $"{parts[0]}.{parts[1]}."),
            ("expired two minutes ago", Mint(serverCredentials, expires: now.AddMinutes(-2))),
            ("not valid for another hour", Mint(serverCredentials, expires: now.AddHours(2), notBefore: now.AddHours(1))),
            ("for another audience", Mint(serverCredentials, aud: "some-other-api")),
            ("from another issuer", Mint(serverCredentials, iss: "https://evil.example")),
            ("for the MFA step", Mint(serverCredentials, aud: audience + ":mfa")),
            ("not a JWT", "not.a.jwt"),
            ("eight kilobytes of base64", Convert.ToBase64String(Garbage(6 * 1024))),
        ];
    }

    private static byte[] Garbage(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }
}
