namespace OrthoScan.Api.Infrastructure.Http;

/// <summary>
/// The dashboard keeps its refresh token in an httpOnly cookie that page scripts cannot read; the access token
/// lives only in memory. A client opts in with the X-OrthoScan-Client: dashboard header, which a cross-site form
/// cannot send, and SameSite=Strict keeps the cookie off cross-site requests anyway.
/// </summary>
public static class RefreshCookie
{
    public const string Name = "orthoscan_refresh";
    public const string ClientHeader = "X-OrthoScan-Client";
    private const string CookiePath = Routes.V1 + "/auth";

    public static bool IsDashboard(HttpRequest request) =>
        string.Equals(request.Headers[ClientHeader], "dashboard", StringComparison.OrdinalIgnoreCase);

    /// <summary>For the dashboard, moves the refresh token from the body into the cookie.</summary>
    public static AccessGrant Deliver(HttpContext http, AccessGrant grant, TimeSpan lifetime)
    {
        if (!IsDashboard(http.Request) || grant.RefreshToken is null) return grant;
        http.Response.Cookies.Append(Name, grant.RefreshToken, Options(DateTimeOffset.UtcNow.Add(lifetime)));
        return grant with { RefreshToken = null };
    }

    public static string? Read(HttpRequest request) => IsDashboard(request) ? request.Cookies[Name] : null;

    /// <summary>Registered for the moment the response starts, so it survives the exception handler clearing headers.</summary>
    public static void Clear(HttpContext http)
    {
        if (!IsDashboard(http.Request) && !http.Request.Cookies.ContainsKey(Name)) return;
        http.Response.OnStarting(() =>
        {
            http.Response.Cookies.Delete(Name, Options(DateTimeOffset.UnixEpoch));
            return Task.CompletedTask;
        });
    }

    private static CookieOptions Options(DateTimeOffset expires) => new()
    {
        HttpOnly = true,
        Secure = true,
        SameSite = SameSiteMode.Strict,
        Path = CookiePath,
        Expires = expires,
        IsEssential = true,
    };
}
