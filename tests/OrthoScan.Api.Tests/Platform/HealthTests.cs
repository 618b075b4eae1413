using System.Net;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Platform;

[Collection(ApiCollection.Name)]
public sealed class HealthTests(ApiFactory api)
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")] // checks PostgreSQL and Redis, which the tests run against
    public async Task Health_endpoints_answer_healthy_without_credentials(string path)
    {
        var response = await api.CreateClient().GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        body.ShouldBe("Healthy");
        response.Headers.CacheControl?.NoStore.ShouldBe(true);
    }
}
