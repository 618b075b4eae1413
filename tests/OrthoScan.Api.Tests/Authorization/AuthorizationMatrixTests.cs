using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;
using Xunit.Abstractions;

namespace OrthoScan.Api.Tests.Authorization;

/// <summary>
/// Every operation of the OpenAPI document, called by every caller (no token, patient, staff, doctor, owner, finance,
/// platform admin) with its own practice's ids, another practice's, another patient's (for the patient) and unknown ids,
/// answers as <see cref="AuthorizationMatrix"/> says: 401 without a token, 403 for a role the route does not admit, 404
/// for ids that are not the caller's (exactly like ids that do not exist), and otherwise an answer past the role check.
/// All mismatches are collected into one failure. Routes that use up their target (archive, erasure, a discount decision,
/// logout) get a target or a token made for each case, so every combination, allowed ones included, is really sent.
/// </summary>
public sealed class AuthorizationMatrixTests(AuthorizationWorld world, ITestOutputHelper output) : IClassFixture<AuthorizationWorld>
{
    private static readonly JsonSerializerOptions DocumentJson = new(JsonSerializerDefaults.Web);

    [Fact]
    public void The_matrix_names_exactly_the_operations_of_the_document()
    {
        var operations = Operations();
        operations.ShouldNotBeEmpty();
        var documented = operations.Select(o => o.Id).ToHashSet(StringComparer.Ordinal);
        var missing = documented.Where(id => !AuthorizationMatrix.Rules.ContainsKey(id)).Order(StringComparer.Ordinal).ToList();
        var stale = AuthorizationMatrix.Rules.Keys.Where(id => !documented.Contains(id)).Order(StringComparer.Ordinal).ToList();
        missing.ShouldBeEmpty($"operations without an entry in AuthorizationMatrix.Rules (say who may call them): {string.Join(", ", missing)}");
        stale.ShouldBeEmpty($"entries in AuthorizationMatrix.Rules for operations the document no longer has: {string.Join(", ", stale)}");

        var problems = new List<string>();
        foreach (var operation in operations)
        {
            var rule = AuthorizationMatrix.Rules[operation.Id];
            var pathId = operation.Path.Contains("{id}", StringComparison.Ordinal);
            if (operation.HasBody && rule.Body is null) problems.Add($"{operation.Id} takes a body: give the rule one the route accepts");
            if (!operation.HasBody && rule.Body is not null) problems.Add($"{operation.Id} takes no body, but its rule has one");
            if (pathId && rule.Id == IdKind.None) problems.Add($"{operation.Id} takes an id in its path: say which kind");
            if (!pathId && rule.Id != IdKind.None && !rule.BodyCarriesId) problems.Add($"{operation.Id} has no id in its path, but its rule names a {rule.Id}");
            if (rule.Public && rule.Admits.Count > 0) problems.Add($"{operation.Id} is anonymous: it needs no list of roles");
            if (!rule.Public && rule.Admits.Count == 0) problems.Add($"{operation.Id} admits nobody");
            if (rule.Public != operation.Anonymous)
                problems.Add($"{operation.Id}: the document says {(operation.Anonymous ? "no token is needed" : "a bearer token is needed")}, the matrix the opposite");
        }
        problems.ShouldBeEmpty(string.Join("\n", problems));
    }

    [Fact]
    public async Task Every_operation_answers_every_caller_as_the_matrix_says()
    {
        var started = Stopwatch.GetTimestamp();
        var mismatches = new List<string>();
        var cases = 0;
        foreach (var operation in Operations().Where(o => AuthorizationMatrix.Rules.ContainsKey(o.Id)))
        {
            var rule = AuthorizationMatrix.Rules[operation.Id];
            var answers = new List<string>();
            foreach (var caller in Enum.GetValues<Caller>())
            {
                var label = $"{operation.Id} ({operation.Method} {operation.Path}) as {Name(caller)}";
                var notFound = new Dictionary<Scope, string>();
                foreach (var scope in rule.Scopes(caller))
                {
                    cases++;
                    var expected = rule.Expect(caller, scope);
                    var (status, body) = await SendAsync(operation, rule, caller, scope);
                    answers.Add($"{Name(caller)}/{scope}={status}");
                    if (Mismatch(rule, scope, expected, status, body) is { } why)
                        mismatches.Add($"{label}, {scope} ids: expected {expected}, got {status} ({why}) {Shorten(body)}");
                    else if (expected == Expected.NotFound404) notFound[scope] = body;
                }
                // Not only the status: the problem itself must not tell someone else's id from one that does not exist.
                if (notFound.TryGetValue(Scope.Unknown, out var missing))
                {
                    foreach (var (scope, body) in notFound.Where(n => n.Key != Scope.Unknown && !SameProblem(n.Value, missing)))
                        mismatches.Add($"{label}, {scope} ids: the 404 differs from an unknown id's: {Shorten(body)} vs {Shorten(missing)}");
                }
            }
            output.WriteLine($"{operation.Id}: {string.Join(" ", answers)}");
        }
        output.WriteLine($"{cases} cases in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");

        mismatches.ShouldBeEmpty($"{mismatches.Count} of {cases} cases answered otherwise than AuthorizationMatrix says:\n" + string.Join("\n", mismatches));
    }

    /// <summary>Why the answer is not what was expected, or null when it is.</summary>
    private static string? Mismatch(Rule rule, Scope scope, Expected expected, int status, string body)
    {
        if (status >= 500) return "a server error";
        if (status == 429) return "rate limited: a set-up problem, raise the limit in the world's settings";
        switch (expected)
        {
            case Expected.Denied401: return status == 401 ? null : "not refused as unauthenticated";
            case Expected.Forbidden403: return status == 403 ? null : "not refused as forbidden";
            case Expected.NotFound404: return status == 404 ? null : "ids that are not the caller's must answer like missing ones";
        }
        if (status == 403) return "refused a role the matrix admits";
        // An anonymous route may answer 401 for a bad secret (a wrong password, a spent refresh token), never for a missing token.
        if (status == 401 && (!rule.Public || ProblemType(body).EndsWith("/unauthenticated", StringComparison.Ordinal))) return "refused as unauthenticated";
        if (status == 404 && rule.Id != IdKind.None && scope == Scope.Own) return "the caller's own id was not found";
        return null;
    }

    /// <summary>The same problem but for its trace id.</summary>
    private static bool SameProblem(string left, string right)
    {
        try
        {
            var (a, b) = (ContractJson.Read<ProblemDto>(left), ContractJson.Read<ProblemDto>(right));
            return a.Type == b.Type && a.Title == b.Title && a.Status == b.Status && a.Detail == b.Detail && a.Errors is null && b.Errors is null;
        }
        catch (ShouldAssertException)
        {
            return false;
        }
    }

    private static string ProblemType(string body)
    {
        try
        {
            return ContractJson.Read<ProblemDto>(body).Type;
        }
        catch (ShouldAssertException)
        {
            return "";
        }
    }

    private async Task<(int Status, string Body)> SendAsync(Operation operation, Rule rule, Caller caller, Scope scope)
    {
        var id = await world.IdAsync(rule.Id, scope);
        using var request = new HttpRequestMessage(new HttpMethod(operation.Method), operation.Path.Replace("{id}", id.ToString(), StringComparison.Ordinal));
        if (rule.Body is not null) request.Content = JsonContent.Create(rule.Body(id), options: TestApi.Json);
        if (operation.IdempotencyKey) request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        HttpResponseMessage response;
        if (rule.ThrowawayCaller)
        {
            if (world.ThrowawayToken(caller) is { } token) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var client = world.Api.CreateClient();
            response = await client.SendAsync(request);
        }
        else
        {
            response = await world.Client(caller).SendAsync(request);
        }
        using (response)
        {
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }
    }

    private static string Name(Caller caller) => caller switch
    {
        Caller.PlatformAdmin => "platform_admin",
        _ => caller.ToString().ToLowerInvariant(),
    };

    private static string Shorten(string body) => body.Length > 300 ? body[..300] + "..." : body;

    private sealed record Operation(string Id, string Method, string Path, bool HasBody, bool IdempotencyKey, bool Anonymous);

    private sealed record OperationDoc(string OperationId, List<ParameterDoc>? Parameters, JsonElement? RequestBody, List<Dictionary<string, JsonElement>>? Security);

    private sealed record ParameterDoc(string Name, string In);

    /// <summary>The document's operations, read as typed records (an empty security list: no token needed).</summary>
    private List<Operation> Operations()
    {
        var paths = world.Document["paths"].Deserialize<Dictionary<string, Dictionary<string, OperationDoc>>>(DocumentJson).ShouldNotBeNull();
        return
        [
            .. from path in paths
            from method in path.Value
            select new Operation(
                method.Value.OperationId, method.Key.ToUpperInvariant(), path.Key, method.Value.RequestBody is not null,
                method.Value.Parameters?.Any(p => p.In == "header" && p.Name == "Idempotency-Key") == true,
                method.Value.Security is { Count: 0 }),
        ];
    }
}
