using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using OrthoScan.Api.Infrastructure.Storage;

namespace OrthoScan.Api.Infrastructure.Http;

/// <summary>
/// The patient app's web build (the Expo export, built with base URL "/app") in wwwroot/app/. Its pages get a browser
/// policy of their own: the camera for this origin, and photos shown and uploaded through the store's signed links,
/// which S3 (or a <see cref="StorageOptions.PublicBaseUrl"/>) puts on another origin. It is a single-page app: a path
/// under /app that names no file is one of its routes and gets its index.html.
/// </summary>
public sealed class PatientAppPages(IOptions<StorageOptions> storage)
{
    public const string PathBase = "/app";
    public const string PermissionsPolicy = "camera=(self), microphone=(), geolocation=()";
    private const string IndexPath = PathBase + "/index.html";

    /// <summary>Computed once: the store's link origins come from configuration, which does not change while the host runs.</summary>
    public string ContentSecurityPolicy { get; } = Policy(StorageSetup.LinkOrigins(storage.Value));

    public static bool Serves(PathString path) => path.StartsWithSegments(PathBase, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// For a GET or HEAD under /app that no file matched: the app's index.html with 200 when the path is a route (its last
    /// segment has no file extension) and the app is deployed; false otherwise (a missing script stays a 404).
    /// </summary>
    public static async Task<bool> TryServeRouteAsync(HttpContext http, IFileProvider files)
    {
        var path = http.Request.Path;
        if (!Serves(path) || Path.HasExtension(path.Value)) return false;
        var index = files.GetFileInfo(IndexPath);
        if (!index.Exists) return false;

        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.ContentLength = index.Length;
        if (!HttpMethods.IsHead(http.Request.Method)) await http.Response.SendFileAsync(index, http.RequestAborted);
        return true;
    }

    private static string Policy(IReadOnlyList<string> linkOrigins)
    {
        var origins = string.Concat(linkOrigins.Select(o => " " + o));
        return $"default-src 'self'; img-src 'self' data: blob:{origins}; media-src 'self' blob: mediastream:; " +
               "style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; " +
               $"connect-src 'self'{origins}; worker-src 'self' blob:; frame-ancestors 'none'";
    }
}
