using Microsoft.AspNetCore.Mvc;
using OrthoScan.Api.Infrastructure.Storage;

namespace OrthoScan.Api.Features.Blobs;

/// <summary>
/// GET /api/v1/blobs/{token}: the pre-signed download of the local store's objects and of S3's client-side encrypted
/// patient objects. An object of an erased patient answers 410 <c>patient-erased</c>. Anonymous: the signed token is the only authority.
/// Answers the decrypted bytes with the stored content type, privately cacheable for a minute, never sniffed, inline.
/// </summary>
public static class DownloadBlob
{
    public const string CacheControl = "private, max-age=60";

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet(EncryptedFileBlobStore.RoutePrefix + "/{token}", Handle).AllowAnonymous().ExcludeFromDescription();
    }

    public static async Task Handle(string token, HttpContext http, [FromServices] IBlobStore store, [FromServices] BlobUrlSigner signer, CancellationToken ct)
    {
        if (store is not IProxiedBlobStore proxied) throw new NotFoundException("download link");
        var claims = signer.Verify(token, BlobUrlSigner.Get);
        var blob = await proxied.OpenDownloadAsync(claims.Key, ct) ?? throw new NotFoundException("object");
        await using var content = blob.Content;
        var response = http.Response;
        response.ContentType = blob.ContentType;
        response.ContentLength = blob.ContentLength;
        response.Headers.CacheControl = CacheControl;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentDisposition = "inline";
        await content.CopyToAsync(response.Body, ct);
    }
}
