using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace OrthoScan.Api.Infrastructure.Security;

/// <summary>AES-256-GCM for small secrets at rest (TOTP seeds). Layout: version(1) | nonce(12) | tag(16) | ciphertext.</summary>
public sealed class SecretProtector
{
    private const byte Version = 1;
    private readonly byte[] _key;

    public SecretProtector(IOptions<SecretsOptions> options)
    {
        var key = string.IsNullOrWhiteSpace(options.Value.MasterKey) ? [] : Convert.FromBase64String(options.Value.MasterKey);
        if (key.Length != 32)
            throw new InvalidOperationException("OrthoScan:Secrets:MasterKey must be the base64 of 32 random bytes (make run generates one into .local/).");
        _key = key;
    }

    public byte[] Protect(byte[] plaintext, string purpose)
    {
        var output = new byte[1 + 12 + 16 + plaintext.Length];
        output[0] = Version;
        var nonce = output.AsSpan(1, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, 16);
        aes.Encrypt(nonce, plaintext, output.AsSpan(29), output.AsSpan(13, 16), System.Text.Encoding.UTF8.GetBytes(purpose));
        return output;
    }

    public byte[] Unprotect(byte[] protectedData, string purpose)
    {
        if (protectedData.Length < 29 || protectedData[0] != Version) throw new CryptographicException("Unknown secret format.");
        var plaintext = new byte[protectedData.Length - 29];
        using var aes = new AesGcm(_key, 16);
        aes.Decrypt(protectedData.AsSpan(1, 12), protectedData.AsSpan(29), protectedData.AsSpan(13, 16), plaintext, System.Text.Encoding.UTF8.GetBytes(purpose));
        return plaintext;
    }
}
