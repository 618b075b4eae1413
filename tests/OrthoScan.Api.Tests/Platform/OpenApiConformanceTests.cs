using System.Diagnostics.CodeAnalysis;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OrthoScan.Api.Domain;
using OrthoScan.Api.Infrastructure.Security;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Scans;
using Shouldly;

namespace OrthoScan.Api.Tests.Platform;

/// <summary>
/// The served document as integrators read it: every operation has a summary, a description, its one feature-area tag,
/// declared security (the bearer JWT, or none for an anonymous route), 401 when it needs a token, 503, and every error
/// status as an RFC 9457 problem. Then the document against the running API. Every operation is called without a token, as each practice role, as a
/// patient and as a platform (finance) user, with an unknown id in its path and its documented request example as the
/// body; an operation with a body also gets it unreadable and as text/plain. Each answer must be one the operation
/// documents (errors as problem details), and each status documented from metadata (400 for a body, 401, 403, 404, 415)
/// must be answered by one of those calls: the document neither leaves out nor invents them.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class OpenApiConformanceTests : IAsyncLifetime
{
    private const string UnknownId = "0195f3a2-0000-7000-8000-00000000c0de";
    private static readonly int[] Derived = [401, 403, 404, 415];
    private const string BearerScheme = "bearer";
    private const string ProblemSchema = "ProblemDetails";
    private const string ValidationProblemSchema = "ValidationProblemDetails";

    private readonly ApiFactory _api = new();

    public Task InitializeAsync()
    {
        // No worker: nothing but these calls changes the database.
        _api.Settings["role"] = "api";
        return _api.InitializeAsync();
    }

    public Task DisposeAsync() => _api.DisposeAsync();

    private sealed record Caller(string Name, string? Token);

    private sealed record Answer(string Caller, int Status, string? MediaType, string Body);

    [Fact]
    public async Task Every_operation_is_described_tagged_secured_and_answers_errors_as_problems()
    {
        var document = await _api.OpenApiDocumentAsync();
        var failures = new List<string>();
        if (document["servers"] is not JsonArray { Count: > 0 }) failures.Add("no servers entry");
        var bearer = document["components"]?["securitySchemes"]?[BearerScheme];
        if ((bearer?["type"]?.GetValue<string>(), bearer?["scheme"]?.GetValue<string>(), bearer?["bearerFormat"]?.GetValue<string>()) != ("http", "bearer", "JWT"))
            failures.Add($"no security scheme `{BearerScheme}` for a bearer JWT: {bearer?.ToJsonString()}");
        var tags = (document["tags"]?.AsArray() ?? []).ToDictionary(t => t!["name"]!.GetValue<string>(), t => t!["description"]?.GetValue<string>());

        foreach (var (path, method, operation) in Operations(document))
        {
            var id = operation["operationId"]?.GetValue<string>() ?? $"{method} {path}";
            if (string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>())) failures.Add($"{id}: no summary");
            if (string.IsNullOrWhiteSpace(operation["description"]?.GetValue<string>())) failures.Add($"{id}: no description");
            var operationTags = operation["tags"]?.AsArray().Select(t => t!.GetValue<string>()).ToList() ?? [];
            if (operationTags.Count != 1) failures.Add($"{id}: {operationTags.Count} tags, want its one feature area");
            failures.AddRange(operationTags.Where(t => string.IsNullOrWhiteSpace(tags.GetValueOrDefault(t))).Select(t => $"{id}: tag {t} is not described"));

            // Declared either way: a route without `security` would inherit a document-wide default.
            if (operation["security"] is not JsonArray security)
            {
                failures.Add($"{id}: no security declared (bearer, or [] for an anonymous route)");
                continue;
            }
            var responses = operation["responses"]!.AsObject();
            var secured = security.Count > 0;
            if (secured && security.ToJsonString() != $$"""[{"{{BearerScheme}}":[]}]""") failures.Add($"{id}: security {security.ToJsonString()}, want the bearer scheme");
            if (secured && !responses.ContainsKey("401")) failures.Add($"{id}: requires a token but does not document 401");
            if (!responses.ContainsKey("503")) failures.Add($"{id}: does not document 503 (every route reads PostgreSQL or Redis)");
            if (operation["requestBody"] is not null && operation["requestBody"]!["content"]?["application/json"]?["example"] is null)
                failures.Add($"{id}: its request body has no example");

            foreach (var (status, response) in responses.Where(r => int.Parse(r.Key) >= 400))
            {
                var resolved = Resolve(document, response!);
                var content = resolved["content"]?.AsObject();
                var schema = content?["application/problem+json"]?["schema"]?["$ref"]?.GetValue<string>();
                if (content is null || content.Count != 1 || schema is not ($"#/components/schemas/{ProblemSchema}" or $"#/components/schemas/{ValidationProblemSchema}"))
                    failures.Add($"{id}: {status} is not documented as application/problem+json with the problem schema: {resolved.ToJsonString()}");
            }
        }

        failures.ShouldBeEmpty(string.Join("\n", failures));
    }

    private static JsonNode Resolve(JsonObject document, JsonNode response) =>
        response["$ref"]?.GetValue<string>() is { } reference
            ? document["components"]!["responses"]![reference["#/components/responses/".Length..]]!
            : response;

    [Fact]
    public async Task Every_answer_is_documented_and_every_status_derived_from_metadata_is_answered()
    {
        var document = await _api.OpenApiDocumentAsync();
        var owner = await _api.RegisterPracticeAsync("Contract Practice");
        var doctor = await _api.AddMemberAsync(owner, "doctor");
        var staff = await _api.AddMemberAsync(owner, "staff");
        var patient = await _api.PatientAppAsync(owner, "Contract");
        var finance = _api.Services.GetRequiredService<TokenService>().CreateAccessToken(Guid.NewGuid(), Role.Finance, null, Guid.NewGuid());
        // The platform admin's routes with an id (an export) answer 404 to it alone.
        var platformAdmin = _api.Services.GetRequiredService<TokenService>().CreateAccessToken(Guid.NewGuid(), Role.PlatformAdmin, null, Guid.NewGuid());
        Caller[] callers =
        [
            new("anonymous", null), new("owner", owner.AccessToken), new("doctor", doctor.AccessToken), new("staff", staff.AccessToken),
            new("patient", patient.AccessToken), new("finance", finance), new("platform_admin", platformAdmin),
        ];

        var failures = new List<string>();
        // Signing out revokes the caller's token: last.
        foreach (var (path, method, operation) in Operations(document).OrderBy(o => o.Operation["operationId"]!.GetValue<string>() == "Logout"))
        {
            var id = operation["operationId"]!.GetValue<string>();
            var documented = operation["responses"]!.AsObject().Select(r => int.Parse(r.Key)).ToHashSet();
            var secured = operation["security"] is JsonArray { Count: > 0 };
            var hasBody = operation["requestBody"] is not null;
            var example = operation["requestBody"]?["content"]?["application/json"]?["example"]?.ToJsonString();
            if (hasBody && example is null)
            {
                failures.Add($"{id}: its request body has no example (add .WithRequestExample to the endpoint)");
                continue;
            }

            var answers = new List<Answer>();
            foreach (var caller in callers) answers.Add(await SendAsync(caller, path, method, operation, example, "application/json"));
            if (hasBody)
            {
                answers.Add(await SendAsync(callers[1] with { Name = "owner, unreadable body" }, path, method, operation, "{", "application/json"));
                answers.Add(await SendAsync(callers[1] with { Name = "owner, text/plain" }, path, method, operation, example, "text/plain"));
            }

            foreach (var answer in answers)
            {
                if (!documented.Contains(answer.Status))
                    failures.Add($"{id} as {answer.Caller}: {answer.Status} is not documented: {Shorten(answer.Body)}");
                if (answer.Status >= 400 && answer.MediaType != "application/problem+json")
                    failures.Add($"{id} as {answer.Caller}: {answer.Status} is not a problem ({answer.MediaType}): {Shorten(answer.Body)}");
            }
            var anonymous = answers.Single(a => a.Caller == "anonymous");
            if (secured && anonymous.Status != 401)
                failures.Add($"{id} requires a token but answered {anonymous.Status} without one");
            if (!secured && anonymous.Body.Contains("/problems/unauthenticated", StringComparison.Ordinal))
                failures.Add($"{id} is documented as anonymous but asked for a token");
            foreach (var status in Derived.Append(400).Where(documented.Contains))
            {
                if (status == 400 && !hasBody) continue;
                if (answers.All(a => a.Status != status))
                    failures.Add($"{id} documents {status} but none of the calls answered it: {string.Join(", ", answers.Select(a => $"{a.Caller} {a.Status}"))}");
            }
        }

        failures.ShouldBeEmpty(string.Join("\n", failures));
    }

    private static IEnumerable<(string Path, string Method, JsonObject Operation)> Operations(JsonObject document) =>
        from path in document["paths"]!.AsObject()
        from operation in path.Value!.AsObject()
        where operation.Key != "parameters"
        select (path.Key, operation.Key, operation.Value!.AsObject());

    private async Task<Answer> SendAsync(Caller caller, string path, string method, JsonObject operation, string? body, string contentType)
    {
        var url = path;
        foreach (var parameter in operation["parameters"]?.AsArray() ?? [])
        {
            if (parameter!["in"]!.GetValue<string>() == "path") url = url.Replace("{" + parameter["name"]!.GetValue<string>() + "}", UnknownId, StringComparison.Ordinal);
        }
        using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), url);
        if (caller.Token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", caller.Token);
        foreach (var parameter in operation["parameters"]?.AsArray() ?? [])
        {
            if (parameter!["in"]!.GetValue<string>() == "header") request.Headers.Add(parameter["name"]!.GetValue<string>(), Guid.NewGuid().ToString());
        }
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, contentType);

        using var response = await _api.CreateClient().SendAsync(request);
        return new Answer(caller.Name, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    private static string Shorten(string body) => body.Length <= 300 ? body : body[..300] + "...";
}
