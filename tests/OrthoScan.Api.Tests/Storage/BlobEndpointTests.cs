using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OrthoScan.Api.Infrastructure.Storage;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;
using static OrthoScan.Api.Tests.Storage.StorageTestKit;

namespace OrthoScan.Api.Tests.Storage;

/// <summary>The local store's signed URLs through the real host: PUT and GET /api/v1/blobs/{token}.</summary>
[Collection(ApiCollection.Name)]
public sealed class BlobEndpointTests(ApiFactory api)
{
    private IBlobStore Store => api.Services.GetRequiredService<IBlobStore>();
    private BlobUrlSigner Signer => api.Services.GetRequiredService<BlobUrlSigner>();

    private static HttpRequestMessage Put(Uri url, HttpContent body) => new(HttpMethod.Put, url) { Content = body };

    private static ByteArrayContent Body(byte[] bytes, string? contentType)
    {
        var content = new ByteArrayContent(bytes);
        if (contentType is not null) content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    private async Task NothingStoredAsync(string key)
    {
        (await Store.ExistsAsync(key, default)).ShouldBeFalse();
        Directory.Exists(api.BlobRoot).ShouldBeTrue();
        Directory.EnumerateFiles(api.BlobRoot, "*.tmp", SearchOption.AllDirectories).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_store_in_the_host_is_the_encrypted_file_store_under_the_configured_root()
    {
        var store = Store.ShouldBeOfType<EncryptedFileBlobStore>();
        store.Root.ShouldBe(Path.GetFullPath(api.BlobRoot));
        var key = NewKey();
        await store.PutAsync(key, new MemoryStream([1, 2, 3]), "image/png", default);
        File.Exists(store.PathOf(key)).ShouldBeTrue();
    }

    [Fact]
    public async Task A_signed_upload_then_a_signed_download_round_trips_the_bytes()
    {
        var key = NewKey();
        var bytes = RandomBytes(5 * 1024 * 1024 + 123); // past the API's 1 MB limit for other requests
        var grant = Store.CreateUpload(key, "image/jpeg", bytes.Length, TimeSpan.FromMinutes(5));
        grant.Url.IsAbsoluteUri.ShouldBeFalse();
        grant.Method.ShouldBe("PUT");

        var client = api.CreateClient();
        var upload = Put(grant.Url, Body(bytes, null));
        foreach (var (name, value) in grant.RequiredHeaders) upload.Content!.Headers.TryAddWithoutValidation(name, value).ShouldBeTrue();
        await (await client.SendAsync(upload)).ShouldBeEmptyAsync(HttpStatusCode.OK);
        (await Store.ExistsAsync(key, default)).ShouldBeTrue();

        var download = await client.GetAsync(Store.CreateDownloadUrl(key, TimeSpan.FromMinutes(1)));
        download.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await download.Content.ReadAsByteArrayAsync()).ShouldBe(bytes);
        download.Content.Headers.ContentType!.MediaType.ShouldBe("image/jpeg");
        download.Content.Headers.ContentLength.ShouldBe(bytes.Length);
        download.Headers.CacheControl.ShouldBe(new CacheControlHeaderValue { Private = true, MaxAge = TimeSpan.FromSeconds(60) }); // "private, max-age=60"
        download.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
        download.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("inline");
    }

    [Fact]
    public async Task A_tampered_token_is_refused_and_nothing_is_stored()
    {
        var key = NewKey();
        var bytes = RandomBytes(1000);
        var url = Store.CreateUpload(key, "image/jpeg", bytes.Length, TimeSpan.FromMinutes(5)).Url.OriginalString;
        var token = url[(url.LastIndexOf('/') + 1)..];
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        var client = api.CreateClient();
        foreach (var position in new[] { 3, dot - 2, dot + 3, token.Length - 2 })
        {
            var tampered = token[..position] + (token[position] == 'x' ? 'y' : 'x') + token[(position + 1)..];
            var response = await client.SendAsync(Put(new Uri($"/api/v1/blobs/{tampered}", UriKind.Relative), Body(bytes, "image/jpeg")));
            await response.ShouldFailAsync(HttpStatusCode.Forbidden, "blob-url-rejected");
        }
        await NothingStoredAsync(key);
    }

    [Fact]
    public async Task An_expired_upload_or_download_link_is_refused()
    {
        var key = NewKey();
        var bytes = RandomBytes(100);
        var past = DateTimeOffset.UtcNow.AddSeconds(-1);
        var client = api.CreateClient();
        var upload = await client.SendAsync(Put(Url(Signer.CreateToken("PUT", key, "image/jpeg", bytes.Length, past)), Body(bytes, "image/jpeg")));
        await upload.ShouldFailAsync(HttpStatusCode.Forbidden, "blob-url-rejected");
        await NothingStoredAsync(key);

        await Store.PutAsync(key, new MemoryStream(bytes), "image/jpeg", default);
        var download = await client.GetAsync(Url(Signer.CreateToken("GET", key, null, null, past)));
        await download.ShouldFailAsync(HttpStatusCode.Forbidden, "blob-url-rejected");
    }

    [Fact]
    public async Task A_re_targeted_link_is_refused()
    {
        string mine = NewKey(), theirs = NewKey();
        var bytes = RandomBytes(100);
        var client = api.CreateClient();
        var token = Token(Store.CreateUpload(mine, "image/jpeg", bytes.Length, TimeSpan.FromMinutes(5)).Url);
        var parts = token.Split('.');

        // My signature on a payload edited to another key.
        var edited = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[0])).Replace(mine, theirs, StringComparison.Ordinal);
        var forged = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(edited)) + "." + parts[1];
        await (await client.SendAsync(Put(Url(forged), Body(bytes, "image/jpeg")))).ShouldFailAsync(HttpStatusCode.Forbidden, "blob-url-rejected");
        // The upload link used to download, and a download link used to upload over an existing object.
        await (await client.GetAsync(Url(token))).ShouldFailAsync(HttpStatusCode.Forbidden, "blob-url-rejected");
        await NothingStoredAsync(mine);
        await NothingStoredAsync(theirs);

        await Store.PutAsync(theirs, new MemoryStream(bytes), "image/jpeg", default);
        var download = Store.CreateDownloadUrl(theirs, TimeSpan.FromMinutes(1));
        await (await client.SendAsync(Put(download, Body(RandomBytes(100), "image/jpeg")))).ShouldFailAsync(HttpStatusCode.Forbidden, "blob-url-rejected");
        (await TryReadAsync(Store, theirs)).Read.ShouldBe(bytes);
    }

    [Theory]
    [InlineData("image/png")]
    [InlineData("text/html")]
    [InlineData("image/jpeg; charset=utf-8")]
    [InlineData(null)]
    public async Task A_wrong_content_type_is_refused(string? contentType)
    {
        var key = NewKey();
        var bytes = RandomBytes(100);
        var grant = Store.CreateUpload(key, "image/jpeg", bytes.Length, TimeSpan.FromMinutes(5));
        var response = await api.CreateClient().SendAsync(Put(grant.Url, Body(bytes, contentType)));
        await response.ShouldFailAsync(HttpStatusCode.Forbidden, "blob-url-rejected");
        await NothingStoredAsync(key);
    }

    [Theory]
    [InlineData(-1, true)]
    [InlineData(1, true)]
    [InlineData(-1, false)]
    [InlineData(1, false)]
    [InlineData(1000, false)]
    public async Task A_body_of_another_length_is_refused_with_or_without_content_length(int difference, bool declared)
    {
        var key = NewKey();
        const int promised = 200_000;
        var grant = Store.CreateUpload(key, "image/jpeg", promised, TimeSpan.FromMinutes(5));
        var bytes = RandomBytes(promised + difference);
        HttpContent body = declared ? Body(bytes, "image/jpeg") : new UnknownLengthContent(bytes, "image/jpeg");
        var response = await api.CreateClient().SendAsync(Put(grant.Url, body));
        await response.ShouldFailAsync(HttpStatusCode.Forbidden, "blob-url-rejected");
        await NothingStoredAsync(key);
    }

    [Fact]
    public void No_upload_link_is_issued_past_25_MB_or_for_longer_than_5_minutes()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => Store.CreateUpload(NewKey(), "image/jpeg", BlobLimits.MaxUploadBytes + 1, TimeSpan.FromMinutes(5)));
        var grant = Store.CreateUpload(NewKey(), "image/jpeg", 10, TimeSpan.FromDays(1));
        grant.ExpiresAt.ShouldBeLessThanOrEqualTo(DateTime.UtcNow.AddMinutes(5).AddSeconds(1));
        Signer.Verify(Token(grant.Url), "PUT").ExpiresAt.ShouldBeLessThanOrEqualTo(DateTimeOffset.UtcNow.AddMinutes(5).AddSeconds(1).ToUnixTimeSeconds());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_oversized_body_is_refused_with_413_even_when_the_link_allows_it(bool declared)
    {
        // A link signed past the limit (CreateUpload never issues one): the endpoint still stops at 25 MB, counting
        // the bytes as they stream in when no Content-Length announces them.
        var key = NewKey();
        var length = BlobLimits.MaxUploadBytes + 1;
        var token = Signer.Sign(new BlobUrlClaims("PUT", key, "image/jpeg", length, DateTimeOffset.UtcNow.AddMinutes(4).ToUnixTimeSeconds(), "n"));
        HttpContent body = declared ? Body(new byte[length], "image/jpeg") : new UnknownLengthContent(length, "image/jpeg");
        var response = await api.CreateClient().SendAsync(Put(Url(token), body));
        await response.ShouldFailAsync(HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        await NothingStoredAsync(key);
    }

    [Fact]
    public async Task A_download_of_a_missing_object_is_404_and_of_a_tampered_one_is_an_error_without_its_bytes()
    {
        var client = api.CreateClient();
        await (await client.GetAsync(Store.CreateDownloadUrl(NewKey(), TimeSpan.FromMinutes(1)))).ShouldFailAsync(HttpStatusCode.NotFound);

        var key = NewKey();
        var marker = Encoding.ASCII.GetBytes(new string('M', 5000));
        await Store.PutAsync(key, new MemoryStream(marker), "image/jpeg", default);
        var path = ((EncryptedFileBlobStore)Store).PathOf(key);
        var file = await File.ReadAllBytesAsync(path);
        file[^20] ^= 0x40;
        await File.WriteAllBytesAsync(path, file);
        var response = await client.GetAsync(Store.CreateDownloadUrl(key, TimeSpan.FromMinutes(1)));
        await response.ShouldFailAsync(HttpStatusCode.InternalServerError);
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();
    }

    [Fact]
    public async Task Blob_links_are_not_in_the_openapi_document()
    {
        var document = await (await api.CreateClient().GetAsync("/openapi/v1.json")).Content.ReadAsStringAsync();
        document.ShouldNotContain("/api/v1/blobs");
    }

    private static Uri Url(string token) => new($"/api/v1/blobs/{token}", UriKind.Relative);

    private static string Token(Uri url) => url.OriginalString[(url.OriginalString.LastIndexOf('/') + 1)..];
}
