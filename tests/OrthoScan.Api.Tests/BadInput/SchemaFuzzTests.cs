using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Scans;
using Shouldly;
using Xunit.Abstractions;

namespace OrthoScan.Api.Tests.BadInput;

/// <summary>
/// Malformed input derived from the OpenAPI document for every operation: never a 5xx, always a problem, and a refused
/// request changes nothing in the database. Bodies go per OpenAPI tag; each needs a valid body to start from below, and
/// the valid body itself must then be accepted, so every refusal above it was for the one thing the case broke.
/// </summary>
public sealed class SchemaFuzzTests(SchemaFuzzWorld world, ITestOutputHelper output) : IClassFixture<SchemaFuzzWorld>, IDisposable
{
    private const int Seed = 20_261_126;

    private readonly Random _random = new(Seed);


    /// <summary>The OpenAPI tags whose operations have bodies: one theory row each.</summary>
    public static readonly TheoryData<string> Tags = new() { "Auth", "Practice", "Patients", "Scans", "Tagging", "Admin", "Billing", "Exports", "Messaging", "Notifications" };

    [Theory]
    [MemberData(nameof(Tags))]
    public async Task Malformed_bodies_are_refused_with_a_problem_naming_the_field_and_change_nothing(string tag)
    {
        var fuzz = new SchemaFuzz(world.Document, Seed);
        var plans = FuzzTargets.Operations(world.Document).Where(o => o.Tag == tag && o.BodySchema is not null).Select(operation =>
        {
            var target = world.TargetFor(operation.Id, operation.Path);
            var valid = target.ValidBody ?? throw new ShouldAssertException($"{operation.Id} has a request body but no valid body to fuzz from: add one to TargetFor.");
            return (Operation: operation, Target: target, Cases: fuzz.BodyCases(operation.BodySchema!, valid()));
        }).ToList();
        plans.ShouldNotBeEmpty();

        var failures = new List<string>();
        var elapsed = new Dictionary<string, TimeSpan>();
        var before = await DatabaseFingerprint.TakeAsync(world.Api.OwnerConnectionString, [.. world.Practices]);
        foreach (var (operation, target, cases) in plans)
        {
            var started = Stopwatch.GetTimestamp();
            foreach (var fuzzCase in cases.Where(c => c.MustRefuse)) failures.AddRange(await SendAsync(operation, target, fuzzCase));
            elapsed[operation.Id] = Stopwatch.GetElapsedTime(started);
        }
        var after = await DatabaseFingerprint.TakeAsync(world.Api.OwnerConnectionString, [.. world.Practices]);

        foreach (var (operation, target, cases) in plans)
        {
            output.WriteLine($"{operation.Method} {operation.Path} ({operation.Id}): {cases.Count(c => c.MustRefuse)} refused in " +
                             $"{elapsed[operation.Id].TotalMilliseconds:0} ms, {cases.Count(c => !c.MustRefuse)} allowed by the schema");
            // The valid body is accepted, so each refusal above was for what its case broke, not for the body it started from.
            using (var response = await SendRawAsync(operation, target, target.ValidBody!().ToJsonString()))
            {
                if (!response.IsSuccessStatusCode)
                    failures.Add($"{operation.Id} valid body: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
            foreach (var fuzzCase in cases.Where(c => !c.MustRefuse)) failures.AddRange(await SendAsync(operation, target, fuzzCase));
        }

        failures.ShouldBeEmpty(string.Join("\n", failures.Take(60)) + (failures.Count > 60 ? $"\n... and {failures.Count - 60} more" : ""));
        DatabaseFingerprint.Differences(before, after).ShouldBeEmpty("refused requests changed the database");
    }

    [Fact]
    public void Every_operation_with_a_request_body_is_fuzzed()
    {
        var tags = Tags.Cast<object[]>().Select(row => (string)row[0]).ToHashSet();
        var withBody = FuzzTargets.Operations(world.Document).Where(o => o.BodySchema is not null).ToList();
        withBody.ShouldNotBeEmpty();
        foreach (var operation in withBody)
        {
            tags.ShouldContain(operation.Tag, $"{operation.Id} is tagged {operation.Tag}: add the tag to the fuzz theory");
            world.TargetFor(operation.Id, operation.Path).ValidBody.ShouldNotBeNull($"{operation.Id} needs a valid body to fuzz from");
        }
    }

    [Fact]
    public async Task Malformed_path_and_query_parameters_are_refused_or_answered_and_never_fail()
    {
        var cases = new List<(FuzzOperation Operation, string Path, string Description, bool MustRefuse)>();
        foreach (var operation in FuzzTargets.Operations(world.Document).Where(o => o.Parameters.Count > 0))
        {
            var target = world.TargetFor(operation.Id, operation.Path);
            foreach (var parameter in operation.Parameters)
            {
                var name = parameter["name"]!.GetValue<string>();
                var schema = parameter["schema"]!.AsObject();
                switch (parameter["in"]!.GetValue<string>())
                {
                    case "path":
                        // No %00 here: the test server cannot carry a NUL in a path.
                        foreach (var value in new[] { "not-a-uuid", "12345", Guid.Empty.ToString(), FuzzTargets.UnknownId.ToString() })
                            cases.Add((operation, operation.Path.Replace("{" + name + "}", value, StringComparison.Ordinal), $"{name}={value}", true));
                        break;
                    case "query":
                        foreach (var (value, refuse) in QueryValues(schema, _random))
                            cases.Add((operation, $"{target.Path}?{name}={value}", $"{name}={Shorten(value)}", refuse));
                        break;
                }
            }
        }

        var failures = new List<string>();
        var before = await DatabaseFingerprint.TakeAsync(world.Api.OwnerConnectionString, [.. world.Practices]);
        foreach (var (operation, path, description, _) in cases.Where(c => c.MustRefuse))
            failures.AddRange(await SendParameterCaseAsync(operation, path, description, mustRefuse: true));
        var after = await DatabaseFingerprint.TakeAsync(world.Api.OwnerConnectionString, [.. world.Practices]);
        foreach (var (operation, path, description, _) in cases.Where(c => !c.MustRefuse))
            failures.AddRange(await SendParameterCaseAsync(operation, path, description, mustRefuse: false));

        foreach (var group in cases.GroupBy(c => c.Operation.Id))
            output.WriteLine($"{group.First().Operation.Method} {group.First().Operation.Path}: {group.Count(c => c.MustRefuse)} refused, {group.Count(c => !c.MustRefuse)} answered");
        failures.ShouldBeEmpty(string.Join("\n", failures.Take(60)));
        DatabaseFingerprint.Differences(before, after).ShouldBeEmpty("refused requests changed the database");
    }

    private static IEnumerable<(string Value, bool MustRefuse)> QueryValues(JsonObject schema, Random random)
    {
        var type = schema["type"] is JsonArray types ? types.Select(t => t!.GetValue<string>()).First(t => t != "null") : schema["type"]?.GetValue<string>();
        switch (type, schema["format"]?.GetValue<string>())
        {
            case ("integer", _):
                return [("ten", true), ("1.5", true), ("99999999999", true), ("", false), ("-1", false), ("0", false), ("2147483647", false), ("-2147483648", false)];
            case ("boolean", _):
                return [("maybe", true), ("2", true), ("", false)];
            case ("string", "uuid"):
                return [("not-a-uuid", true), ("%00", true), ("", false), (FuzzTargets.UnknownId.ToString(), false)];
            case ("string", "date-time"):
                return [("yesterday", true), ("2021-02-30T10:00:00Z", true), ("", false), ("0001-01-01T00:00:00%2B14:00", false), ("9999-12-31T23:59:59-14:00", false)];
            default:
                var oversized = new string(Enumerable.Range(0, 5000).Select(_ => (char)('a' + random.Next(26))).ToArray());
                return [("", false), ("%00", false), ("%27%20OR%201%3D1--", false), (oversized, false), ("%F0%9F%A6%B7", false), ("%FF%FE", false)];
        }
    }

    /// <summary>A fresh Idempotency-Key from the seed, so that the accepted cases create one session each.</summary>
    private string NextKey()
    {
        var bytes = new byte[16];
        _random.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    private static string Shorten(string value) => value.Length > 40 ? $"{value[..20]}...({value.Length} chars)" : value;

    private async Task<List<string>> SendParameterCaseAsync(FuzzOperation operation, string path, string description, bool mustRefuse)
    {
        var target = world.TargetFor(operation.Id, operation.Path);
        using var request = new HttpRequestMessage(new HttpMethod(operation.Method), path);
        if (operation.BodySchema is not null && target.ValidBody is not null)
            request.Content = new StringContent(target.ValidBody().ToJsonString(), Encoding.UTF8, "application/json");
        else if (operation.Method != "GET") request.Content = new StringContent("", Encoding.UTF8, "application/json");
        if (operation.Id is "CreateScanSession" or "SendMessage") request.Headers.Add("Idempotency-Key", NextKey());
        using var response = await Client(target.Caller).SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        var label = $"{operation.Method} {operation.Path} {description}";
        if (status >= 500) return [$"{label}: {status} {body}"];
        if (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            return [$"{label}: {status} without a problem ({response.Content.Headers.ContentType}) {body}"];
        // Route values are bound before the role check but looked up after it, so a refusal may also be a 403.
        if (mustRefuse && status is < 400 or >= 500) return [$"{label}: expected a refusal, got {status} {Shorten(body)}"];
        return [];
    }

    private async Task<List<string>> SendAsync(FuzzOperation operation, FuzzTarget target, BodyCase fuzzCase)
    {
        using var response = await SendRawAsync(operation, target, fuzzCase.Body);
        var text = await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        var label = $"{operation.Id} {fuzzCase.Name}";
        if (status >= 500) return [$"{label}: {status} {text}"];
        if (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            return [$"{label}: {status} without a problem ({response.Content.Headers.ContentType}) {text}"];
        if (!fuzzCase.MustRefuse) return [];
        if (status is not (400 or 422)) return [$"{label}: expected 400 or 422, got {status} {Shorten(text)}"];
        if (fuzzCase.Field is not { } field) return [];
        ProblemDto problem;
        try
        {
            problem = ContractJson.Read<ProblemDto>(text);
        }
        catch (ShouldAssertException e)
        {
            return [$"{label}: {status} is not a problem as the contract reads it: {e.Message}"];
        }
        var keys = problem.Errors?.Keys.ToList() ?? [];
        return keys.Any(key => Related(key, field)) ? [] : [$"{label}: {status} does not name {field} (errors: {string.Join(", ", keys)}) {Shorten(text)}"];
    }

    /// <summary>An error on the field itself, on something inside it, or on the array or object that holds it.</summary>
    private static bool Related(string key, string field) =>
        key == field || key.StartsWith(field + ".", StringComparison.Ordinal) || key.StartsWith(field + "[", StringComparison.Ordinal)
        || field.StartsWith(key + ".", StringComparison.Ordinal) || field.StartsWith(key + "[", StringComparison.Ordinal);

    private async Task<HttpResponseMessage> SendRawAsync(FuzzOperation operation, FuzzTarget target, string body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(operation.Method), target.Path)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (operation.Id is "CreateScanSession" or "SendMessage") request.Headers.Add("Idempotency-Key", NextKey());
        return await Client(target.Caller).SendAsync(request);
    }

    private readonly Dictionary<FuzzCaller, HttpClient> _clients = [];

    public void Dispose()
    {
        foreach (var client in _clients.Values) client.Dispose();
    }

    private HttpClient Client(FuzzCaller caller)
    {
        if (_clients.TryGetValue(caller, out var client)) return client;
        return _clients[caller] = world.Api.As(world.TokenFor(caller));
    }
}
