using System.Net;
using System.Text.Json.Nodes;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Platform;

/// <summary>
/// The served OpenAPI document as raw JSON: the contract tests, the snapshot and the schema fuzz walk it by key on
/// purpose, since it describes every response rather than being one.
/// </summary>
public static class OpenApiDocument
{
    public static async Task<JsonObject> OpenApiDocumentAsync(this ApiFactory api)
    {
        using var response = await api.CreateClient().GetAsync("/openapi/v1.json");
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/json");
        return JsonNode.Parse(text).ShouldBeOfType<JsonObject>();
    }
}
