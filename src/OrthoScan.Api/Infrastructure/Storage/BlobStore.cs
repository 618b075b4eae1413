namespace OrthoScan.Api.Infrastructure.Storage;

/// <summary>
/// Where and how a client sends one object's bytes: a PUT to <see cref="Url"/> with every header of
/// <see cref="RequiredHeaders"/> and a body of exactly the length the grant was made for (the HTTP client sends
/// Content-Length itself; it is bound by the URL but not listed here, since browsers refuse to set it).
/// </summary>
public sealed record UploadGrant(Uri Url, string Method, IReadOnlyDictionary<string, string> RequiredHeaders, DateTime ExpiresAt);

/// <summary>
/// Object storage for patient photos and their derivatives. Keys are validated by <see cref="BlobKeys"/>: a hostile key
/// (traversal, absolute path, odd characters) throws <see cref="InvalidBlobKeyException"/> from every method.
/// </summary>
public interface IBlobStore
{
    /// <summary>A short-lived URL the client PUTs the bytes to: bound to this key, this content type and exactly this length (at most <see cref="BlobLimits.MaxUploadBytes"/>).</summary>
    UploadGrant CreateUpload(string key, string contentType, long contentLength, TimeSpan lifetime);

    /// <summary>A short-lived URL that answers the object's bytes with its content type.</summary>
    Uri CreateDownloadUrl(string key, TimeSpan lifetime);

    Task PutAsync(string key, Stream content, string contentType, CancellationToken ct);

    /// <summary>The object's bytes, or null when it does not exist.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken ct);

    Task<bool> ExistsAsync(string key, CancellationToken ct);

    /// <summary>Removes the object; a missing object is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken ct);
}

/// <summary>Envelope encryption: a fresh data key per object, stored only wrapped by a master key (configuration or KMS).</summary>
public interface IKeyProvider
{
    Task<DataKey> GenerateDataKeyAsync(CancellationToken ct);

    Task<byte[]> DecryptDataKeyAsync(byte[] wrapped, CancellationToken ct);
}

/// <summary>A 256-bit data key in the clear (use, then zero it) and the same key wrapped for storage beside the data.</summary>
public sealed record DataKey(byte[] Plaintext, byte[] Wrapped);

/// <summary>An object's bytes as a download answers them.</summary>
public sealed record BlobDownload(Stream Content, string ContentType, long ContentLength);

/// <summary>
/// A store whose download links point at this API's /api/v1/blobs/{token} route (the local store always; S3 for patient
/// objects, which are encrypted client-side and so cannot be handed out as pre-signed S3 links).
/// </summary>
public interface IProxiedBlobStore
{
    /// <summary>The object decrypted, or null when it does not exist.</summary>
    Task<BlobDownload?> OpenDownloadAsync(string key, CancellationToken ct);
}
