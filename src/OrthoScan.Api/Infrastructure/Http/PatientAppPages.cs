using Microsoft.Extensions.FileProviders;

namespace OrthoScan.Api.Infrastructure.Http;

/// <summary>
/// The patient app's web build (the Expo export, built with base URL "/app") in wwwroot/app/. Its pages get a browser
/// policy of their own: the camera for this origin, and photos shown and uploaded through the store's signed links
/// (<see cref="ContentSecurityPolicies.PatientApp"/>). It is a single-page app: a path
/// under /app that names no file is one of its routes and gets its index.html.
/// </summary>
public static class PatientAppPages
{
    public const string PathBase = "/app";
    public const string PermissionsPolicy = "camera=(self), microphone=(), geolocation=()";
    private const string IndexPath = PathBase + "/index.html";

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
}
