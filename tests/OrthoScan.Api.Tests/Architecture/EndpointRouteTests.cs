using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OrthoScan.Api.Infrastructure.Http;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Architecture;

/// <summary>
/// Every endpoint the host maps is part of the versioned API, except the host's own routes that docs/architecture.md
/// lists (health probes, the OpenAPI document and its reader). A route outside /api/v1 would escape the versioning and
/// the dashboard's fallback, which leaves only /api/ alone.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class EndpointRouteTests(ApiFactory api)
{
    /// <summary>Route patterns exactly as mapped, so a new route outside /api/v1 (even under /health or /docs) needs an entry here.</summary>
    private static readonly IReadOnlyDictionary<string, string> HostRoutes = new Dictionary<string, string>
    {
        ["/health/live"] = "liveness probe of every role",
        ["/health/ready"] = "readiness probe of every role",
        ["/openapi/{documentName}.json"] = "the OpenAPI document",
        ["/docs/{documentName?}"] = "the API reference (Scalar)",
        ["/docs/scalar.js"] = "the API reference's script",
        ["/docs/scalar.aspnetcore.js"] = "the API reference's script",
        ["/docs/favicon.svg"] = "the API reference's icon",
        ["/.well-known/jwks.json"] = "the public halves of the token-signing keys, where OIDC clients look for them",
    };

    [Fact]
    public void Every_endpoint_is_under_api_v1_or_is_a_listed_host_route()
    {
        var endpoints = api.Services.GetRequiredService<EndpointDataSource>().Endpoints;
        var routes = endpoints.OfType<RouteEndpoint>().Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/')).ToList();

        routes.Count.ShouldBe(endpoints.Count, "every endpoint has a route pattern to check");
        routes.Count(r => r.StartsWith(Routes.V1 + "/", StringComparison.Ordinal)).ShouldBeGreaterThan(30, "the API's endpoints are mapped in this host");
        routes.Where(r => !r.StartsWith(Routes.V1 + "/", StringComparison.Ordinal) && !HostRoutes.ContainsKey(r))
            .ShouldBeEmpty("Map it under /api/v1 (Routes.V1), or list a host route here and in docs/architecture.md");
        HostRoutes.Keys.Where(h => !routes.Contains(h)).ShouldBeEmpty("listed host routes that are no longer mapped");
    }
}
