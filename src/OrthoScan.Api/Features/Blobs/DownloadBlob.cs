using Microsoft.AspNetCore.Mvc;
using OrthoScan.Api.Infrastructure.Storage;

namespace OrthoScan.Api.Features.Blobs;

/// <summary>
/// GET /api/v1/blobs/{token}: the local store's pre-signed download. Anonymous: the signed token is the only authority.
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
        if (store is not EncryptedFileBlobStore local) throw new NotFoundException("download link");
        var claims = signer.Verify(token, BlobUrlSigner.Get);
        await using var blob = await local.OpenAsync(claims.Key, ct) ?? throw new NotFoundException("object");
        var response = http.Response;
        response.ContentType = blob.ContentType;
        response.ContentLength = blob.ContentLength;
        response.Headers.CacheControl = CacheControl;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentDisposition = "inline";
        await blob.CopyToAsync(response.Body, ct);
    }
}
