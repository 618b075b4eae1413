using System.Diagnostics.CodeAnalysis;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Platform;

/// <summary>
/// In AWS the pages load images from, and connect to, CloudFront origins that only configuration knows
/// (OrthoScan:Web:ImageOrigins, AppOrigins): every page's Content-Security-Policy names them, and a value that is not a
/// bare origin (a path, another scheme, a ";" that would add a directive) stops the host instead of weakening the policy.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class ConfiguredOriginsTests : IAsyncLifetime
{
    private readonly ApiFactory _api = new();

    public ConfiguredOriginsTests()
    {
        _api.Settings["OrthoScan:Web:ImageOrigins"] = "https://images.orthoscan.test, https://cdn.orthoscan.test/";
        _api.Settings["OrthoScan:Web:AppOrigins"] = "https://app.orthoscan.test";
    }

    public Task InitializeAsync() => _api.InitializeAsync();

    public Task DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task The_dashboard_and_the_patient_app_may_load_images_from_and_connect_to_the_configured_origins()
    {
        var client = _api.CreateClient();

        var dashboard = Header(await client.GetAsync("/"));
        dashboard.ShouldContain("img-src 'self' data: blob: https://images.orthoscan.test https://cdn.orthoscan.test;");
        dashboard.ShouldContain("connect-src 'self' https://app.orthoscan.test;");
        var app = Header(await client.GetAsync("/app/"));
        app.ShouldContain("img-src 'self' data: blob: https://images.orthoscan.test https://cdn.orthoscan.test;");
        app.ShouldContain("connect-src 'self' https://app.orthoscan.test;");
        Header(await client.GetAsync("/api/v1/patients")).ShouldBe("default-src 'none'; frame-ancestors 'none'", "API answers load nothing, whatever is configured");
    }

    [Theory]
    [InlineData("ImageOrigins", "https://images.orthoscan.test/photos")]
    [InlineData("ImageOrigins", "https://images.orthoscan.test; script-src *")]
    [InlineData("AppOrigins", "javascript:alert(1)")]
    [InlineData("AppOrigins", "*")]
    [InlineData("AppOrigins", "https://user@app.orthoscan.test")]
    public async Task A_value_that_is_not_a_bare_origin_stops_the_host_from_starting(string setting, string value)
    {
        await using var host = _api.BuildHost("api", _ => { });
        host.Configuration[$"OrthoScan:Web:{setting}"] = value;

        var failure = await Should.ThrowAsync<InvalidOperationException>(() => host.StartAsync());

        failure.Message.ShouldContain($"OrthoScan:Web:{setting}");
    }

    private static string Header(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Content-Security-Policy", out var values) ? string.Join(", ", values) : "";
}
