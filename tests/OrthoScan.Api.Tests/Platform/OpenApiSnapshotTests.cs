using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;
using Snapshooter.Xunit;

namespace OrthoScan.Api.Tests.Platform;

/// <summary>
/// The API contract, twice: the committed src/OrthoScan.Api/openapi.json (linted, and the source of the dashboard's
/// generated types) must be what the API serves, and the served document must match its Snapshooter snapshot, so that
/// every contract change shows up in review as a snapshot diff.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class OpenApiSnapshotTests(ApiFactory api)
{
    [Fact]
    public async Task The_committed_openapi_snapshot_matches_the_served_document()
    {
        var served = await ServedAsync();

        var snapshotPath = Path.Combine(RepositoryRoot(), "src", "OrthoScan.Api", "openapi.json");
        var snapshot = JsonNode.Parse(await File.ReadAllTextAsync(snapshotPath))!;

        JsonNode.DeepEquals(served, snapshot).ShouldBeTrue("src/OrthoScan.Api/openapi.json is stale: run `make api-types` and commit the result.");
    }

    /// <summary>
    /// A changed contract fails here until its snapshot is accepted: delete
    /// tests/OrthoScan.Api.Tests/Platform/__snapshots__/OpenApiSnapshotTests.The_served_document_matches_its_snapshot.snap,
    /// run this test once (outside CI, where SNAPSHOOTER_STRICT_MODE=true refuses to write a missing snapshot) and
    /// commit the new file with the change.
    /// </summary>
    [Fact]
    public async Task The_served_document_matches_its_snapshot()
    {
        var served = await ServedAsync();
        // Unescaped (an apostrophe stays ', not \u0027), so the snapshot diff reads like the document.
        Snapshot.Match(served.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    private Task<JsonObject> ServedAsync() => api.OpenApiDocumentAsync();

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "OrthoScan.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("OrthoScan.sln not found above the test binaries.");
    }
}
