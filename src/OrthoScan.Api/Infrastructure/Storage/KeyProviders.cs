using System.Security.Cryptography;
using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Microsoft.Extensions.Options;

namespace OrthoScan.Api.Infrastructure.Storage;

/// <summary>Keys for one purpose each, derived (HKDF-SHA256) from OrthoScan:Secrets:MasterKey, so no two uses share a key.</summary>
public static class MasterKeys
{
    public const string DataKeyWrapping = "orthoscan/storage/data-key-wrap/v1";
    public const string UrlSigning = "orthoscan/storage/url-signing/v1";

    public static byte[] Derive(IOptions<SecretsOptions> options, string purpose) => Derive(options.Value.MasterKey, purpose);

    public static byte[] Derive(string? masterKeyBase64, string purpose)
    {
        var master = string.IsNullOrWhiteSpace(masterKeyBase64) ? [] : Convert.FromBase64String(masterKeyBase64);
        if (master.Length != 32)
            throw new InvalidOperationException("OrthoScan:Secrets:MasterKey must be the base64 of 32 random bytes (make run generates one into .local/).");
        try
        {
            return HKDF.DeriveKey(HashAlgorithmName.SHA256, master, 32, salt: [], info: Encoding.UTF8.GetBytes(purpose));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(master);
        }
    }
}

/// <summary>
/// Data keys wrapped with AES-256-GCM under a key derived from the configured master key.
/// Wrapped layout: version(1) | nonce(12) | tag(16) | wrapped key(32).
/// </summary>
public sealed class LocalKeyProvider : IKeyProvider, IDisposable
{
    private const byte Version = 1;
    private const int WrappedLength = 1 + 12 + 16 + 32;
    private static readonly byte[] Purpose = Encoding.UTF8.GetBytes("orthoscan-blob-data-key");
    private readonly byte[] _wrappingKey;

    public LocalKeyProvider(IOptions<SecretsOptions> options) : this(MasterKeys.Derive(options, MasterKeys.DataKeyWrapping)) { }

    public LocalKeyProvider(byte[] wrappingKey)
    {
        if (wrappingKey.Length != 32) throw new ArgumentException("The wrapping key is 32 bytes.", nameof(wrappingKey));
        _wrappingKey = (byte[])wrappingKey.Clone();
        CryptographicOperations.ZeroMemory(wrappingKey);
    }

    // One AesGcm per call: an instance is not safe for concurrent use, and this provider is a singleton that parallel
    // photo downloads share (a shared instance failed about 2 % of concurrent decrypts).
    private AesGcm Cipher() => new(_wrappingKey, 16);

    public Task<DataKey> GenerateDataKeyAsync(CancellationToken ct)
    {
        var plaintext = RandomNumberGenerator.GetBytes(32);
        var wrapped = new byte[WrappedLength];
        wrapped[0] = Version;
        RandomNumberGenerator.Fill(wrapped.AsSpan(1, 12));
        using var aes = Cipher();
        aes.Encrypt(wrapped.AsSpan(1, 12), plaintext, wrapped.AsSpan(29), wrapped.AsSpan(13, 16), Purpose);
        return Task.FromResult(new DataKey(plaintext, wrapped));
    }

    public Task<byte[]> DecryptDataKeyAsync(byte[] wrapped, CancellationToken ct)
    {
        if (wrapped.Length != WrappedLength || wrapped[0] != Version) throw new CryptographicException("Unknown wrapped data key format.");
        var plaintext = new byte[32];
        using var aes = Cipher();
        aes.Decrypt(wrapped.AsSpan(1, 12), wrapped.AsSpan(29), wrapped.AsSpan(13, 16), plaintext, Purpose);
        return Task.FromResult(plaintext);
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_wrappingKey);
}

/// <summary>
/// Data keys from AWS KMS (GenerateDataKey AES_256 / Decrypt) under the configured key, with a fixed encryption
/// context that KMS binds to the wrapped key and records in CloudTrail. The wrapped key is KMS's CiphertextBlob as is.
/// </summary>
public sealed class KmsKeyProvider(IAmazonKeyManagementService kms, string keyId, bool ownsClient = false) : IKeyProvider, IDisposable
{
    private static Dictionary<string, string> Context() => new() { ["purpose"] = "orthoscan-blob-data-key" };

    public async Task<DataKey> GenerateDataKeyAsync(CancellationToken ct)
    {
        var response = await kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = keyId, KeySpec = DataKeySpec.AES_256, EncryptionContext = Context() }, ct);
        var plaintext = response.Plaintext?.ToArray() ?? [];
        var wrapped = response.CiphertextBlob?.ToArray() ?? [];
        if (plaintext.Length != 32 || wrapped.Length == 0) throw new CryptographicException("KMS answered GenerateDataKey without a 256-bit key.");
        return new DataKey(plaintext, wrapped);
    }

    public async Task<byte[]> DecryptDataKeyAsync(byte[] wrapped, CancellationToken ct)
    {
        DecryptResponse response;
        try
        {
            response = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(wrapped), KeyId = keyId, EncryptionContext = Context() }, ct);
        }
        catch (InvalidCiphertextException e)
        {
            throw new CryptographicException("KMS refused to unwrap the data key.", e);
        }
        var plaintext = response.Plaintext?.ToArray() ?? [];
        return plaintext.Length == 32 ? plaintext : throw new CryptographicException("KMS answered Decrypt without a 256-bit key.");
    }

    public void Dispose()
    {
        if (ownsClient) kms.Dispose();
    }
}
