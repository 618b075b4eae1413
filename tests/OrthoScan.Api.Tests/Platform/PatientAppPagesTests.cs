using System.Diagnostics.CodeAnalysis;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Platform;

/// <summary>
/// The patient app's web build under /app may use the camera and reach the photo links' origin; the dashboard's pages
/// and the API may not. A path under /app that names no file is one of the app's routes and gets its index.html. On a
/// host of its own, whose web root is a temporary folder holding a stand-in dashboard and app (the real builds are
/// git-ignored and may be absent), with absolute photo links on another origin.
/// </summary>
public sealed class PatientAppPagesTests(PatientAppHost host) : IClassFixture<PatientAppHost>
{
    // The dashboard shows photos through the same signed links (an S3 bucket's origin in production), so it names it too.
    private const string DashboardPolicy =
        $"default-src 'self'; img-src 'self' data: blob: {PatientAppHost.PhotoOrigin}; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'";

    private const string AppPolicy =
        $"default-src 'self'; img-src 'self' data: blob: {PatientAppHost.PhotoOrigin}; media-src 'self' blob: mediastream:; style-src 'self' 'unsafe-inline'; " +
        $"script-src 'self' 'unsafe-inline'; connect-src 'self' {PatientAppHost.PhotoOrigin}; worker-src 'self' blob:; frame-ancestors 'none'";

    private const string AppIndex = PatientAppHost.AppIndex;

    private HttpClient Client() => host.Api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    [Theory]
    [InlineData("/app/")]
    [InlineData("/app/index.html")]
    [InlineData("/app/_expo/static/js/web/entry-0123abcd.js")]
    [InlineData("/app/open")]
    public async Task The_patient_apps_pages_and_files_may_use_the_camera_and_reach_the_photo_links_origin(string path)
    {
        var response = await Client().GetAsync(path);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, path);
        Header(response, "Permissions-Policy").ShouldBe("camera=(self), microphone=(), geolocation=()");
        Header(response, "Content-Security-Policy").ShouldBe(AppPolicy);
        Header(response, "X-Frame-Options").ShouldBe("DENY");
        Header(response, "X-Content-Type-Options").ShouldBe("nosniff");
    }

    [Fact]
    public async Task Only_the_patient_app_may_use_the_camera_the_dashboard_and_the_api_keep_their_headers()
    {
        var client = Client();
        Header(await client.GetAsync("/app/"), "Permissions-Policy").ShouldBe("camera=(self), microphone=(), geolocation=()");

        // "/appointments" starts like "/app" but is not under it.
        foreach (var (path, status) in new[] { ("/", HttpStatusCode.OK), ("/patients/", HttpStatusCode.OK), ("/appointments", HttpStatusCode.NotFound), ("/no-such-page", HttpStatusCode.NotFound) })
        {
            var page = await client.GetAsync(path);
            page.StatusCode.ShouldBe(status, path);
            Header(page, "Permissions-Policy").ShouldBe("camera=(), microphone=(), geolocation=()", path);
            Header(page, "Content-Security-Policy").ShouldBe(DashboardPolicy, path);
        }

        var api = await client.GetAsync("/api/v1/patients");
        api.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        Header(api, "Permissions-Policy").ShouldBe("camera=(), microphone=(), geolocation=()");
        Header(api, "Content-Security-Policy").ShouldBe("default-src 'none'; frame-ancestors 'none'");
    }

    [Theory]
    [InlineData("/app/open?code=AB3CD4EF5G")]
    [InlineData("/app/scans/123")]
    [InlineData("/app/scans/123/")]
    public async Task A_route_of_the_patient_app_answers_its_index_page(string path)
    {
        var response = await Client().GetAsync(path);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, path);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("text/html");
        (await response.Content.ReadAsStringAsync()).ShouldBe(AppIndex);
        Header(response, "Permissions-Policy").ShouldBe("camera=(self), microphone=(), geolocation=()");
    }

    [Fact]
    public async Task A_missing_file_of_the_app_and_a_path_outside_it_still_answer_404_not_the_app()
    {
        var client = Client();
        (await client.GetAsync("/app/open")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var script = await client.GetAsync("/app/_expo/static/js/web/missing.js");
        script.StatusCode.ShouldBe(HttpStatusCode.NotFound, "a path with a file extension names a file, not a route");
        (await script.Content.ReadAsStringAsync()).ShouldNotContain("patient app");

        var outside = await client.GetAsync("/open");
        outside.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await outside.Content.ReadAsStringAsync()).ShouldBe(PatientAppHost.DashboardNotFound);
        Target(await client.GetAsync("/patients")).ShouldBe("/patients/", "the dashboard's folders still redirect");
    }

    [Fact]
    public async Task A_head_of_a_route_answers_like_its_get_without_a_body_and_other_methods_do_not_get_the_app()
    {
        var head = await Client().SendAsync(new HttpRequestMessage(HttpMethod.Head, "/app/scans/123"));
        head.StatusCode.ShouldBe(HttpStatusCode.OK);
        head.Content.Headers.ContentType?.MediaType.ShouldBe("text/html");
        head.Content.Headers.ContentLength.ShouldBe(AppIndex.Length);
        (await head.Content.ReadAsStringAsync()).ShouldBeEmpty();

        var post = await Client().PostAsync("/app/open", new StringContent(""));
        post.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await post.Content.ReadAsStringAsync()).ShouldNotContain("patient app");
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    public async Task The_app_without_its_slash_redirects_to_its_folder_under_the_apps_headers(string method)
    {
        var response = await Client().SendAsync(new HttpRequestMessage(new HttpMethod(method), "/app?code=AB3CD4EF5G"));

        ((int)response.StatusCode).ShouldBeInRange(301, 308);
        Target(response).ShouldBe("/app/?code=AB3CD4EF5G");
        Header(response, "Permissions-Policy").ShouldBe("camera=(self), microphone=(), geolocation=()");
    }

    /// <summary>Where a redirect goes on this host (UseDefaultFiles writes absolute locations, the fallback relative ones).</summary>
    private static string Target(HttpResponseMessage response) =>
        new Uri(new Uri("http://localhost"), response.Headers.Location.ShouldNotBeNull()).PathAndQuery;

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;
}

/// <summary>The API host of <see cref="PatientAppPagesTests"/>, on a temporary web root that it removes.</summary>
[SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class PatientAppHost : IAsyncLifetime
{
    public const string PhotoOrigin = "https://photos.orthoscan.test";
    public const string AppIndex = "<!doctype html><title>patient app</title>";
    public const string DashboardNotFound = "<!doctype html><title>dashboard 404</title>";

    private readonly string _webRoot = Path.Combine(Path.GetTempPath(), "orthoscan-webroot-" + Guid.NewGuid().ToString("N"));

    public ApiFactory Api { get; } = new();

    public PatientAppHost()
    {
        Write("index.html", "<!doctype html><title>dashboard</title>");
        Write("404.html", DashboardNotFound);
        Write("patients/index.html", "<!doctype html><title>patients</title>");
        Write("app/index.html", AppIndex);
        Write("app/_expo/static/js/web/entry-0123abcd.js", "console.log('app');");
        Api.Settings[WebHostDefaults.WebRootKey] = _webRoot;
        // Absolute photo links (another origin, as S3's would be): the app's policy names that origin.
        Api.Settings["OrthoScan:Storage:PublicBaseUrl"] = PhotoOrigin + "/";
    }

    public Task InitializeAsync() => Api.InitializeAsync();

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        if (Directory.Exists(_webRoot)) Directory.Delete(_webRoot, recursive: true);
    }

    private void Write(string relativePath, string content)
    {
        var path = Path.Combine(_webRoot, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
