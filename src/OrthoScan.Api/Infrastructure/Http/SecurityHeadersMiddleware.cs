namespace OrthoScan.Api.Infrastructure.Http;

/// <summary>
/// Headers every response carries; API answers are never cached by browsers or proxies (they hold PHI). The patient
/// app's pages under /app may use the camera (<see cref="PatientAppPages"/>); every other page may not. Each kind of
/// response gets its own Content-Security-Policy (<see cref="ContentSecurityPolicies"/>).
/// </summary>
public sealed class SecurityHeadersMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ContentSecurityPolicies _policies;
    private readonly Func<object, Task> _apply;

    public SecurityHeadersMiddleware(RequestDelegate next, ContentSecurityPolicies policies)
    {
        _next = next;
        _policies = policies;
        _apply = state =>
        {
            Apply((HttpContext)state);
            return Task.CompletedTask;
        };
    }

    public Task InvokeAsync(HttpContext http)
    {
        // Added as the response starts, not now: the exception handler clears every header when it turns a failure
        // into a problem, and error answers need these as much as any other.
        http.Response.OnStarting(_apply, http);
        return _next(http);
    }

    private void Apply(HttpContext http)
    {
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        if (http.Request.Path.StartsWithSegments(Routes.V1))
        {
            // An endpoint that chose its own caching keeps it (signed blob downloads: private, max-age=60). Error answers
            // never do: the exception handler clears the headers before writing the problem.
            if (string.IsNullOrEmpty(headers.CacheControl)) headers.CacheControl = "no-store";
            headers.ContentSecurityPolicy = ContentSecurityPolicies.Api;
        }
        else if (PatientAppPages.Serves(http.Request.Path))
        {
            headers["Permissions-Policy"] = PatientAppPages.PermissionsPolicy;
            headers.ContentSecurityPolicy = _policies.PatientApp;
        }
        else
        {
            headers.ContentSecurityPolicy = _policies.Dashboard;
        }
        if (http.Request.IsHttps) headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
    }
}

/// <summary>
/// Refuses oversized bodies before they are read. Kestrel enforces the same limit on the wire; this also covers
/// hosts without Kestrel and answers with ProblemDetails instead of a reset.
/// </summary>
public sealed class BodySizeLimitMiddleware(RequestDelegate next, long maxBytes)
{
    public Task InvokeAsync(HttpContext http)
    {
        // Signed photo uploads are the one place a large body is expected; their endpoint also counts the bytes itself.
        var limit = http.Request.Path.StartsWithSegments(Storage.EncryptedFileBlobStore.RoutePrefix) ? Storage.BlobLimits.MaxUploadBytes : maxBytes;
        if (http.Request.ContentLength > limit)
            throw new BadHttpRequestException($"The request body is larger than {limit} bytes.", StatusCodes.Status413PayloadTooLarge);
        var feature = http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false }) feature.MaxRequestBodySize = limit;
        return next(http);
    }
}
