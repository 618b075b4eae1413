using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace OrthoScan.Api.Infrastructure.Storage;

/// <summary>
/// Objects in an S3 bucket, encrypted at rest with SSE-KMS under the configured key; clients upload and download
/// through pre-signed URLs (SigV4, query-string signed).
/// <para>
/// Length binding: the pre-signed PUT signs <c>content-length</c> (with <c>content-type</c> and the SSE-KMS headers)
/// into <c>X-Amz-SignedHeaders</c>, so S3 rejects (403 SignatureDoesNotMatch) a body of any other length or type, or a
/// PUT without SSE-KMS under our key. That is S3's signature check: s3rver does not verify SigV4, so the tests here can
/// only show that the URL signs those headers. Treat it as one layer: whoever reads an uploaded object must still
/// bound what it reads (the processing worker reads at most <see cref="BlobLimits.MaxUploadBytes"/>).
/// </para>
/// <para>
/// Crypto-shredding (ADR 0013): with a patient keyring, every object of a patient that this API writes (the derivatives)
/// gets a client-side layer too, the local store's format under a data key wrapped by the patient's key, marked by the
/// <see cref="FormatMetadata"/> metadata. Such objects are ciphertext to S3, so their download links point at this API
/// (/api/v1/blobs/{token}), which decrypts. Raw uploads go from the phone straight to S3 and only have SSE-KMS: they live
/// until processed or swept, and erasure deletes them.
/// </para>
/// </summary>
public sealed class S3BlobStore : IBlobStore, IProxiedBlobStore, IDisposable
{
    public const string DownloadCacheControl = "private, max-age=60";
    /// <summary>User metadata on objects that carry the client-side layer (value <see cref="EnvelopeFormat"/>).</summary>
    public const string FormatMetadata = "x-amz-meta-orthoscan-format";
    public const string EnvelopeFormat = "osbf";
    private readonly ObjectDataKeys? _envelope;
    private readonly BlobUrlSigner? _signer;
    private readonly string _publicBaseUrl;
    private readonly IAmazonS3 _s3;
    private readonly string _bucket;
    private readonly string _kmsKeyId;
    private readonly TimeProvider _clock;
    private readonly bool _ownsClient;
    private readonly Protocol _protocol;

    /// <param name="envelope">Data keys of the client-side layer; null: SSE-KMS only, as before per-patient keys.</param>
    /// <param name="signer">Signs the API download links of enveloped objects; required with <paramref name="envelope"/>.</param>
    public S3BlobStore(IAmazonS3 s3, string bucket, string kmsKeyId, TimeProvider clock, bool ownsClient = false,
        ObjectDataKeys? envelope = null, BlobUrlSigner? signer = null, string? publicBaseUrl = null)
    {
        if (envelope is not null && signer is null) throw new ArgumentNullException(nameof(signer), "Enveloped objects need signed API download links.");
        _envelope = envelope;
        _signer = signer;
        _publicBaseUrl = (publicBaseUrl ?? "").TrimEnd('/');
        _s3 = s3;
        _bucket = bucket;
        _kmsKeyId = kmsKeyId;
        _clock = clock;
        _ownsClient = ownsClient;
        _protocol = ProtocolOf(s3);
    }

    /// <summary>
    /// The origin (scheme, host and port) of the pre-signed links <paramref name="s3"/> makes for <paramref name="bucket"/>,
    /// as the SDK addresses it (virtual-hosted or path style, regional host, an emulator's URL). Signing is offline, so
    /// any credentials will do.
    /// </summary>
    public static string LinkOrigin(IAmazonS3 s3, string bucket) =>
        new Uri(s3.GetPreSignedURL(new GetPreSignedUrlRequest
        {
            BucketName = bucket, Key = "origin", Verb = HttpVerb.GET, Expires = DateTime.UtcNow.AddMinutes(1), Protocol = ProtocolOf(s3),
        })).GetLeftPart(UriPartial.Authority);

    // Pre-signed URLs default to https; an emulator on loopback speaks http.
    private static Protocol ProtocolOf(IAmazonS3 s3) =>
        s3.Config.ServiceURL?.StartsWith("http://", StringComparison.OrdinalIgnoreCase) == true ? Protocol.HTTP : Protocol.HTTPS;

    public UploadGrant CreateUpload(string key, string contentType, long contentLength, TimeSpan lifetime)
    {
        BlobKeys.Validate(key);
        var type = BlobKeys.NormalizeContentType(contentType);
        BlobLimits.CheckUploadLength(contentLength);
        var expires = DateTimeOffset.FromUnixTimeSeconds((_clock.GetUtcNow() + BlobLimits.CapUpload(lifetime)).ToUnixTimeSeconds()).UtcDateTime;
        var request = new GetPreSignedUrlRequest
        {
            BucketName = _bucket,
            Key = key,
            Verb = HttpVerb.PUT,
            Expires = expires,
            Protocol = _protocol,
            ContentType = type,
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = _kmsKeyId,
        };
        request.Headers.ContentLength = contentLength;
        var url = _s3.GetPreSignedURL(request);
        return new UploadGrant(new Uri(url), "PUT", new Dictionary<string, string>
        {
            ["Content-Type"] = type,
            ["x-amz-server-side-encryption"] = "aws:kms",
            ["x-amz-server-side-encryption-aws-kms-key-id"] = _kmsKeyId,
        }, expires);
    }

    public Uri CreateDownloadUrl(string key, TimeSpan lifetime)
    {
        BlobKeys.Validate(key);
        if (_envelope is not null && _envelope.IsPatientObject(key))
        {
            var token = _signer!.CreateToken(BlobUrlSigner.Get, key, null, null, _clock.GetUtcNow() + BlobLimits.CapDownload(lifetime));
            return _publicBaseUrl.Length == 0
                ? new Uri($"{EncryptedFileBlobStore.RoutePrefix}/{token}", UriKind.Relative)
                : new Uri($"{_publicBaseUrl}{EncryptedFileBlobStore.RoutePrefix}/{token}", UriKind.Absolute);
        }
        var request = new GetPreSignedUrlRequest
        {
            BucketName = _bucket,
            Key = key,
            Verb = HttpVerb.GET,
            Expires = (_clock.GetUtcNow() + BlobLimits.CapDownload(lifetime)).UtcDateTime,
            Protocol = _protocol,
        };
        request.ResponseHeaderOverrides.CacheControl = DownloadCacheControl;
        request.ResponseHeaderOverrides.ContentDisposition = "inline";
        return new Uri(_s3.GetPreSignedURL(request));
    }

    public async Task PutAsync(string key, Stream content, string contentType, CancellationToken ct)
    {
        BlobKeys.Validate(key);
        var type = BlobKeys.NormalizeContentType(contentType);
        if (_envelope is not null && _envelope.IsPatientObject(key))
        {
            await PutEnvelopedAsync(key, content, type, ct);
            return;
        }
        // Unchunked SigV4 over http hashes the payload first, which needs a seekable body: buffer in memory (never on disk).
        await using var buffered = content.CanSeek ? null : new MemoryStream();
        if (buffered is not null)
        {
            await content.CopyToAsync(buffered, ct);
            buffered.Position = 0;
        }
        await _s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _bucket,
            Key = key,
            InputStream = buffered ?? content,
            AutoCloseStream = false,
            ContentType = type,
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = _kmsKeyId,
            // STACK.md: over http, aws-chunked framing would otherwise end up inside the object on s3rver.
            UseChunkEncoding = false,
        }, ct);
    }

    public async Task<Stream?> OpenReadAsync(string key, CancellationToken ct) => (await OpenDownloadAsync(key, ct))?.Content;

    public async Task<BlobDownload?> OpenDownloadAsync(string key, CancellationToken ct)
    {
        BlobKeys.Validate(key);
        GetObjectResponse response;
        try
        {
            response = await _s3.GetObjectAsync(_bucket, key, ct);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        try
        {
            if (response.Metadata[FormatMetadata] == EnvelopeFormat)
            {
                if (_envelope is null) throw new BlobCorruptedException(key, "an enveloped object and no keys to open it");
                var header = await BlobFileFormat.ReadHeaderAsync(response.ResponseStream, key, ct);
                var dataKey = await _envelope.UnwrapAsync(key, header.Version, header.WrappedKey, ct);
                BlobReadStream stream;
                try
                {
                    stream = new BlobReadStream(response.ResponseStream, response.ContentLength, header, dataKey, key);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(dataKey);
                }
                await stream.PrimeAsync(ct);
                return new BlobDownload(stream, stream.ContentType, stream.ContentLength);
            }
            if (_envelope is not null) await _envelope.EnsureNotShreddedAsync(key, ct);
            return new BlobDownload(response.ResponseStream, response.Headers.ContentType ?? "application/octet-stream", response.ContentLength);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>Encrypts in memory (a photo derivative is at most a few MB) and stores the result as one object.</summary>
    private async Task PutEnvelopedAsync(string key, Stream content, string type, CancellationToken ct)
    {
        var dataKey = await _envelope!.NewAsync(key, ct);
        await using var sealedObject = new MemoryStream();
        try
        {
            var noncePrefix = RandomNumberGenerator.GetBytes(BlobFileFormat.NoncePrefixSize);
            var header = BlobFileFormat.BuildHeader(dataKey.Version, BlobFileFormat.DefaultChunkSize, noncePrefix, dataKey.Wrapped, type);
            await sealedObject.WriteAsync(header, ct);
            using (var aes = new AesGcm(dataKey.Plaintext, BlobFileFormat.TagSize))
                await BlobFileFormat.WriteBodyAsync(content, sealedObject, aes, noncePrefix, BlobFileFormat.AssociatedData(header, key), BlobFileFormat.DefaultChunkSize, ct);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey.Plaintext);
        }
        sealedObject.Position = 0;
        var request = new PutObjectRequest
        {
            BucketName = _bucket,
            Key = key,
            InputStream = sealedObject,
            AutoCloseStream = false,
            ContentType = "application/octet-stream",
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = _kmsKeyId,
            UseChunkEncoding = false,
        };
        request.Metadata.Add(FormatMetadata, EnvelopeFormat);
        await _s3.PutObjectAsync(request, ct);
    }

    public async Task<bool> ExistsAsync(string key, CancellationToken ct)
    {
        BlobKeys.Validate(key);
        try
        {
            await _s3.GetObjectMetadataAsync(_bucket, key, ct);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public async Task DeleteAsync(string key, CancellationToken ct)
    {
        BlobKeys.Validate(key);
        await _s3.DeleteObjectAsync(_bucket, key, ct);
    }

    public void Dispose()
    {
        if (_ownsClient) _s3.Dispose();
    }
}
