using System.Net;
using System.Web;
using Amazon.Runtime;
using OrthoScan.Api.Infrastructure.Storage;
using Shouldly;
using static OrthoScan.Api.Tests.Storage.StorageTestKit;

namespace OrthoScan.Api.Tests.Storage;

/// <summary>The S3 adapter against s3rver: put, get, delete, and pre-signed PUT then GET through a plain HttpClient.</summary>
public sealed class S3BlobStoreTests(S3rverFixture s3rver) : IClassFixture<S3rverFixture>, IDisposable
{
    private const string KmsKeyId = "arn:aws:kms:eu-west-1:111122223333:key/test";
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);
    private readonly HttpClient _http = new();
    private S3BlobStore? _store;

    // s3rver knows one account: S3RVER / S3RVER.
    private S3BlobStore Store => _store ??= new S3BlobStore(
        StorageSetup.CreateS3Client(new StorageOptions { Provider = "s3", ServiceUrl = s3rver.ServiceUrl, Bucket = S3rverFixture.Bucket, KmsKeyId = KmsKeyId },
            new BasicAWSCredentials("S3RVER", "S3RVER")),
        S3rverFixture.Bucket, KmsKeyId, _clock, ownsClient: true);

    public void Dispose()
    {
        _store?.Dispose();
        _http.Dispose();
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(300_000, true)]
    [InlineData(300_000, false)]
    public async Task Put_get_exists_delete_round_trip(int size, bool seekable)
    {
        var key = NewKey();
        var bytes = RandomBytes(size);
        await Store.PutAsync(key, seekable ? new MemoryStream(bytes) : new NonSeekable(bytes), "image/png", default);

        (await Store.ExistsAsync(key, default)).ShouldBeTrue();
        var stream = await Store.OpenReadAsync(key, default);
        stream.ShouldNotBeNull();
        (await ReadAllAsync(stream)).ShouldBe(bytes, "the object holds the bytes, not aws-chunked framing");

        await Store.DeleteAsync(key, default);
        (await Store.ExistsAsync(key, default)).ShouldBeFalse();
        (await Store.OpenReadAsync(key, default)).ShouldBeNull();
        await Store.DeleteAsync(key, default);
    }

    [Fact]
    public async Task A_presigned_put_then_a_presigned_get_round_trip_through_a_plain_http_client()
    {
        var key = NewKey();
        var bytes = RandomBytes(1_000_000);
        var grant = Store.CreateUpload(key, "image/jpeg", bytes.Length, TimeSpan.FromMinutes(5));
        grant.Method.ShouldBe("PUT");
        grant.Url.Scheme.ShouldBe("http");

        var put = new HttpRequestMessage(HttpMethod.Put, grant.Url) { Content = new ByteArrayContent(bytes) };
        foreach (var (name, value) in grant.RequiredHeaders)
        {
            if (!put.Headers.TryAddWithoutValidation(name, value)) put.Content.Headers.TryAddWithoutValidation(name, value).ShouldBeTrue(name);
        }
        var uploaded = await _http.SendAsync(put);
        uploaded.StatusCode.ShouldBe(HttpStatusCode.OK, await uploaded.Content.ReadAsStringAsync());
        (await ReadAllAsync((await Store.OpenReadAsync(key, default))!)).ShouldBe(bytes);

        var download = await _http.GetAsync(Store.CreateDownloadUrl(key, TimeSpan.FromMinutes(1)));
        download.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await download.Content.ReadAsByteArrayAsync()).ShouldBe(bytes);
        download.Content.Headers.ContentType!.MediaType.ShouldBe("image/jpeg");
        download.Headers.CacheControl!.Private.ShouldBeTrue();
        download.Headers.CacheControl.MaxAge.ShouldBe(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void The_presigned_put_signs_length_type_and_SSE_KMS_and_lives_at_most_five_minutes()
    {
        // s3rver does not check signatures, so this is as far as a local test can show S3's length binding:
        // content-length is a signed header, and real S3 refuses any other length with SignatureDoesNotMatch.
        var grant = Store.CreateUpload("practices/p/a.jpg", "image/jpeg", 12345, TimeSpan.FromHours(1));
        var query = HttpUtility.ParseQueryString(grant.Url.Query);
        query["X-Amz-SignedHeaders"]!.Split(';').ShouldBe(
            ["content-length", "content-type", "host", "x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id"], ignoreOrder: true);
        int.Parse(query["X-Amz-Expires"]!, System.Globalization.CultureInfo.InvariantCulture).ShouldBeInRange(295, 300);
        grant.ExpiresAt.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(_clock.Now.AddMinutes(5).ToUnixTimeSeconds()).UtcDateTime);
        grant.RequiredHeaders.ShouldBe(new Dictionary<string, string>
        {
            ["Content-Type"] = "image/jpeg",
            ["x-amz-server-side-encryption"] = "aws:kms",
            ["x-amz-server-side-encryption-aws-kms-key-id"] = KmsKeyId,
        }, ignoreOrder: true);
        Should.Throw<ArgumentOutOfRangeException>(() => Store.CreateUpload("practices/p/a.jpg", "image/jpeg", BlobLimits.MaxUploadBytes + 1, TimeSpan.FromMinutes(1)));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("/absolute")]
    [InlineData("a//b")]
    public async Task Hostile_keys_are_refused(string key)
    {
        await Should.ThrowAsync<ArgumentException>(() => Store.PutAsync(key, new MemoryStream([1]), "image/jpeg", default));
        await Should.ThrowAsync<ArgumentException>(() => Store.OpenReadAsync(key, default));
        Should.Throw<ArgumentException>(() => Store.CreateUpload(key, "image/jpeg", 1, TimeSpan.FromMinutes(1)));
        Should.Throw<ArgumentException>(() => Store.CreateDownloadUrl(key, TimeSpan.FromMinutes(1)));
    }

    private sealed class NonSeekable(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
