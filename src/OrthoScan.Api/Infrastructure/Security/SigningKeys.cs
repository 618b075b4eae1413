using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace OrthoScan.Api.Infrastructure.Security;

/// <summary>The built-in issuer's ES256 key. Loaded from a PEM file; a local run creates the file (0600) when missing.</summary>
public sealed class SigningKeys
{
    public ECDsaSecurityKey Key { get; }

    public SigningKeys(AuthOptions options)
    {
        var ecdsa = ECDsa.Create();
        var path = options.SigningKeyPath;
        if (File.Exists(path))
        {
            ecdsa.ImportFromPem(File.ReadAllText(path));
        }
        else
        {
            ecdsa.GenerateKey(ECCurve.NamedCurves.nistP256);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            File.WriteAllText(path, ecdsa.ExportPkcs8PrivateKeyPem());
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        Key = new ECDsaSecurityKey(ecdsa) { KeyId = Base64UrlEncoder.Encode(SHA256.HashData(ecdsa.ExportSubjectPublicKeyInfo()))[..16] };
    }
}
