using System.Net;
using System.Text.Json.Nodes;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Platform;

/// <summary>The dashboard's API types are generated from the committed snapshot: it must be what the API serves.</summary>
[Collection(ApiCollection.Name)]
public sealed class OpenApiSnapshotTests(ApiFactory api)
{
    [Fact]
    public async Task The_committed_openapi_snapshot_matches_the_served_document()
    {
        var served = await (await api.CreateClient().GetAsync("/openapi/v1.json")).ShouldBeAsync(HttpStatusCode.OK);
        served.AsObject().Remove("servers");

        var snapshotPath = Path.Combine(RepositoryRoot(), "src", "OrthoScan.Api", "openapi.json");
        var snapshot = JsonNode.Parse(await File.ReadAllTextAsync(snapshotPath))!;

        JsonNode.DeepEquals(served, snapshot).ShouldBeTrue("src/OrthoScan.Api/openapi.json is stale: run `make api-types` and commit the result.");
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "OrthoScan.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("OrthoScan.sln not found above the test binaries.");
    }
}
