using System.Net;
using OrthoScan.Api.Tests.Contract;
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
        var report = ContractJson.Read<HealthReportDto>(body);
        report.Status.ShouldBe(HealthState.Healthy);
        report.Checks.Select(c => (c.Key, c.Value))
            .ShouldBe([("postgresql", HealthState.Healthy), ("redis", HealthState.Healthy), ("storage", HealthState.Healthy)], ignoreOrder: true);
    }
}
