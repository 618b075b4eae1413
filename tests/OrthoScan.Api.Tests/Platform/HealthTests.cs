using System.Net;
using System.Text.Json.Nodes;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Platform;

[Collection(ApiCollection.Name)]
public sealed class HealthTests(ApiFactory api)
{
    [Fact]
    public async Task Liveness_answers_healthy_without_credentials()
    {
        var response = await api.CreateClient().GetAsync("/health/live");
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        body.ShouldBe("Healthy");
        response.Headers.CacheControl?.NoStore.ShouldBe(true);
    }

    [Fact]
    public async Task Readiness_names_each_dependency_and_its_state()
    {
        var response = await api.CreateClient().GetAsync("/health/ready");
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        response.Headers.CacheControl?.NoStore.ShouldBe(true);
        var report = JsonNode.Parse(body)!;
        report["status"]!.GetValue<string>().ShouldBe("healthy");
        report["checks"]!.AsObject().Select(c => (c.Key, c.Value!.GetValue<string>()))
            .ShouldBe([("postgresql", "healthy"), ("redis", "healthy"), ("storage", "healthy")], ignoreOrder: true);
    }
}
