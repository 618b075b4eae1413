using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Mvc;
using OrthoScan.Api.Infrastructure.Audit;
using OrthoScan.Api.Infrastructure.Storage;

namespace OrthoScan.Api.Features.Exports;

/// <summary>
/// GET /api/v1/tags/export/download/{token}: a finished export's ZIP, as an attachment. Anonymous like the blob store's own
/// links: the token (signed by <see cref="BlobUrlSigner"/>, for this route's method only, so a photo link cannot open a
/// dataset nor a dataset link the photo route) is the only authority, and lives <see cref="ExportViews.DownloadLifetime"/>.
/// It is served through the API whatever the store, so every download lands in the platform audit chain, naming the admin
/// the link was minted for.
/// </summary>
public static class DownloadTagExport
{
    /// <summary>The signed method of dataset links; the blob store's download route accepts only GET.</summary>
    public const string Method = "GET-TAG-EXPORT";

    public const string RoutePrefix = Routes.V1 + "/tags/export/download";

    public static string Url(BlobUrlSigner signer, string key, Guid? viewer, DateTime expiresAt) =>
        $"{RoutePrefix}/{signer.Sign(new BlobUrlClaims(Method, BlobKeys.Validate(key), "application/zip", null,
            new DateTimeOffset(expiresAt).ToUnixTimeSeconds(), Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)), viewer))}";

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet(RoutePrefix + "/{token}", Handle).AllowAnonymous().ExcludeFromDescription();
    }

    public static async Task Handle(
        string token, HttpContext http, [FromServices] AppDbContext db, [FromServices] IBlobStore store, [FromServices] BlobUrlSigner signer,
        [FromServices] PlatformAuditWriter audit, CancellationToken ct)
    {
        var claims = signer.Verify(token, Method);
        // No practice is entered here, so the row is visible (tag_exports is the platform's, not a practice's).
        var export = await db.TagExports.AsNoTracking()
                         .SingleOrDefaultAsync(e => e.BlobKey == claims.Key && e.Status == TagExportStatus.Completed, ct)
                     ?? throw new NotFoundException("export");
        await using var zip = await store.OpenReadAsync(claims.Key, ct) ?? throw new NotFoundException("export file");
        await audit.WriteAsync(new PlatformAuditRecord(
            claims.Subject, Role.PlatformAdmin.ToClaim(), "Exports.DownloadTagExport", "tag_export", export.Id, null, http.Connection.RemoteIpAddress?.ToString()), ct);

        var response = http.Response;
        response.ContentType = "application/zip";
        if (export.SizeBytes is { } size) response.ContentLength = size;
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentDisposition = $"attachment; filename=\"orthoscan-tags-{export.Id:N}.zip\"";
        await zip.CopyToAsync(response.Body, ct);
    }
}
