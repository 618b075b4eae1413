using System.Net;
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
/// </summary>
public sealed class S3BlobStore : IBlobStore, IDisposable
{
    public const string DownloadCacheControl = "private, max-age=60";
    private readonly IAmazonS3 _s3;
    private readonly string _bucket;
    private readonly string _kmsKeyId;
    private readonly TimeProvider _clock;
    private readonly bool _ownsClient;
    private readonly Protocol _protocol;

    public S3BlobStore(IAmazonS3 s3, string bucket, string kmsKeyId, TimeProvider clock, bool ownsClient = false)
    {
        _s3 = s3;
        _bucket = bucket;
        _kmsKeyId = kmsKeyId;
        _clock = clock;
        _ownsClient = ownsClient;
        // Pre-signed URLs default to https; an emulator on loopback speaks http.
        _protocol = s3.Config.ServiceURL?.StartsWith("http://", StringComparison.OrdinalIgnoreCase) == true ? Protocol.HTTP : Protocol.HTTPS;
    }

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

    public async Task<Stream?> OpenReadAsync(string key, CancellationToken ct)
    {
        BlobKeys.Validate(key);
        try
        {
            var response = await _s3.GetObjectAsync(_bucket, key, ct);
            return response.ResponseStream;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
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
