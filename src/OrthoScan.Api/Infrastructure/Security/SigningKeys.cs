using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace OrthoScan.Api.Infrastructure.Security;

/// <summary>
/// The built-in issuer's ES256 keys: the current one signs; it and the previous one are accepted, so a rotation never
/// signs anyone out. A fleet gives every instance the same keys as PEM text (<see cref="AuthOptions.SigningKeyPem"/>,
/// from Secrets Manager); a local run keeps one in a file it creates (0600) when missing.
/// </summary>
public sealed class SigningKeys
{
    /// <summary>Signs every new token; its id is the token's <c>kid</c>.</summary>
    public ECDsaSecurityKey Current { get; }

    /// <summary>What a token may be signed with: the current key, then the previous one while tokens it signed live.</summary>
    public IReadOnlyList<ECDsaSecurityKey> Accepted { get; }

    public SigningKeys(AuthOptions options)
    {
        Current = KeyOf(string.IsNullOrWhiteSpace(options.SigningKeyPem) ? FromFile(options.SigningKeyPath) : options.SigningKeyPem);
        Accepted = string.IsNullOrWhiteSpace(options.PreviousSigningKeyPem) ? [Current] : [Current, KeyOf(options.PreviousSigningKeyPem)];
    }

    private static string FromFile(string path)
    {
        if (File.Exists(path)) return File.ReadAllText(path);
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = ecdsa.ExportPkcs8PrivateKeyPem();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, pem);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return pem;
    }

    /// <summary>A private key (PKCS#8 or SEC1) or, for the previous key, its public half alone.</summary>
    private static ECDsaSecurityKey KeyOf(string pem)
    {
        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(pem);
        return new ECDsaSecurityKey(ecdsa) { KeyId = Base64UrlEncoder.Encode(SHA256.HashData(ecdsa.ExportSubjectPublicKeyInfo()))[..16] };
    }

    /// <summary>The public halves, as a JSON Web Key Set for other services that verify our tokens.</summary>
    public object Jwks() => new
    {
        keys = Accepted.Select(key =>
        {
            var p = key.ECDsa.ExportParameters(includePrivateParameters: false);
            return new Dictionary<string, string>
            {
                ["kty"] = "EC", ["crv"] = "P-256", ["use"] = "sig", ["alg"] = "ES256", ["kid"] = key.KeyId,
                ["x"] = Base64UrlEncoder.Encode(p.Q.X!), ["y"] = Base64UrlEncoder.Encode(p.Q.Y!),
            };
        }),
    };
}
