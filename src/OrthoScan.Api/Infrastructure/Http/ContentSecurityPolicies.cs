using Microsoft.Extensions.Options;
using OrthoScan.Api.Infrastructure.Storage;

namespace OrthoScan.Api.Infrastructure.Http;

/// <summary>
/// Origins the pages may reach besides their own, from configuration (section <see cref="Section"/>): in AWS the
/// CloudFront origins of images and of the app. Each is a bare origin (scheme, host, optional port), space- or
/// comma-separated; anything else stops the host from starting, since a policy is text a stray ";" could extend.
/// </summary>
public sealed class WebOptions
{
    public const string Section = "OrthoScan:Web";

    /// <summary>Where pages may load images from (img-src), e.g. the images' CloudFront origin.</summary>
    public string ImageOrigins { get; set; } = "";

    /// <summary>Where pages may connect to (connect-src), e.g. the app's CloudFront origin when the API sits behind another.</summary>
    public string AppOrigins { get; set; } = "";

    public static IReadOnlyList<string> Parse(string origins, string setting) =>
        [.. origins.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries).Select(o => OriginOf(o, setting)).Distinct(StringComparer.OrdinalIgnoreCase)];

    private static string OriginOf(string value, string setting) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && uri.UserInfo.Length == 0
        && uri.PathAndQuery == "/" && uri.Fragment.Length == 0 && value.TrimEnd('/').Equals(uri.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase)
            ? uri.GetLeftPart(UriPartial.Authority)
            : throw new InvalidOperationException($"{Section}:{setting} takes origins such as https://images.example.com (scheme, host, port; no path), not \"{value}\".");
}

/// <summary>
/// The Content-Security-Policy of each kind of response, computed once from configuration: the dashboard's pages show
/// photos through the store's signed links and the configured image origins; the patient app's pages also upload to
/// those links and use the camera (<see cref="PatientAppPages"/>); API answers load nothing.
/// </summary>
public sealed class ContentSecurityPolicies
{
    public const string Api = "default-src 'none'; frame-ancestors 'none'";

    public ContentSecurityPolicies(IOptions<StorageOptions> storage, IOptions<WebOptions> web)
    {
        var links = StorageSetup.LinkOrigins(storage.Value);
        var images = Join([.. links, .. WebOptions.Parse(web.Value.ImageOrigins, nameof(WebOptions.ImageOrigins))]);
        var app = WebOptions.Parse(web.Value.AppOrigins, nameof(WebOptions.AppOrigins));
        Dashboard = $"default-src 'self'; img-src 'self' data: blob:{images}; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; " +
                    $"connect-src 'self'{Join(app)}; frame-ancestors 'none'";
        PatientApp = $"default-src 'self'; img-src 'self' data: blob:{images}; media-src 'self' blob: mediastream:; " +
                     "style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; " +
                     $"connect-src 'self'{Join([.. links, .. app])}; worker-src 'self' blob:; frame-ancestors 'none'";
    }

    public string Dashboard { get; }

    public string PatientApp { get; }

    private static string Join(IEnumerable<string> origins) => string.Concat(origins.Distinct(StringComparer.OrdinalIgnoreCase).Select(o => " " + o));
}
