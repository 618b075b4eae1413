using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Shouldly;

namespace OrthoScan.Api.Tests.Infrastructure;

/// <summary>
/// The string-keyed JSON reads the tests used before the contract records (issue 11). Only Tagging/, Analytics/ and
/// Jobs/ still use them until their conversion, and the tests that deliberately read raw JSON (the OpenAPI document,
/// the schema fuzz). Anything else reads through <see cref="TestApi.ShouldBeAsync{T}"/> and
/// <see cref="TestApi.ShouldFailAsync"/>; Contract/ContractCoverageTests keeps it that way.
/// </summary>
public static class UntypedJson
{
    public static async Task<JsonNode> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) ?? throw new InvalidOperationException("Empty body");
    }

    public static async Task<JsonNode> ShouldBeAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, body);
        return body.Length == 0 ? new JsonObject() : JsonNode.Parse(body)!;
    }

    /// <summary>Asserts an RFC 9457 problem with the given status, and returns it.</summary>
    public static async Task<JsonNode> ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string? typeSlug = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, body);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", body);
        var problem = JsonNode.Parse(body)!;
        problem["status"]!.GetValue<int>().ShouldBe((int)status);
        problem["title"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        problem["type"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        problem["traceId"].ShouldNotBeNull();
        body.ShouldNotContain("   at ", Case.Sensitive, "no stack trace in a problem");
        if (typeSlug is not null) problem["type"]!.GetValue<string>().ShouldEndWith("/" + typeSlug);
        return problem;
    }

    public static async Task<JsonNode> CreatePatientAsync(this ApiFactory factory, Session session, string firstName = "Ada", string lastName = "Lovelace")
    {
        var response = await factory.As(session).PostAsJsonAsync("/api/v1/patients", TestApi.NewPatient(firstName, lastName));
        return await response.ShouldBeAsync(HttpStatusCode.Created);
    }
}
