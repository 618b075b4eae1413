using Microsoft.Extensions.FileProviders;

namespace OrthoScan.Api.Infrastructure.Http;

/// <summary>
/// Serves the dashboard's static export for paths no endpoint or file matched: "/patients" redirects to
/// "/patients/" (the export's folder form); a route of the patient app under /app gets the app's index.html
/// (<see cref="PatientAppPages"/>); anything else gets the dashboard's own 404 page with status 404.
/// API paths never reach this: they keep answering problem details.
/// </summary>
public static class DashboardFallback
{
    private static readonly string[] ServerPaths = ["/api", "/openapi", "/health", "/docs"];

    /// <summary>A middleware after routing: runs only where no endpoint (not even a 405) matched.</summary>
    public static Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        var servesPage = http.GetEndpoint() is null
                         && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
                         && !ServerPaths.Any(p => http.Request.Path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));
        return servesPage
            ? ServeAsync(http, http.RequestServices.GetRequiredService<IWebHostEnvironment>().WebRootFileProvider)
            : next(http);
    }

    private static async Task ServeAsync(HttpContext http, IFileProvider files)
    {
        var path = http.Request.Path.Value?.TrimEnd('/') ?? "";
        if (path.Length > 0 && files.GetFileInfo(path + "/index.html").Exists)
        {
            http.Response.Redirect(path + "/" + http.Request.QueryString, permanent: true, preserveMethod: true);
            return;
        }

        if (await PatientAppPages.TryServeRouteAsync(http, files)) return;

        http.Response.StatusCode = StatusCodes.Status404NotFound;
        var notFound = files.GetFileInfo("404.html");
        if (notFound.Exists)
        {
            http.Response.ContentType = "text/html; charset=utf-8";
            await http.Response.SendFileAsync(notFound);
        }
    }
}
