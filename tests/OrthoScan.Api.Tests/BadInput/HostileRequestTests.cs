using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OrthoScan.Api.Infrastructure.Storage;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;
using Xunit.Abstractions;

namespace OrthoScan.Api.Tests.BadInput;

/// <summary>
/// Hostile requests at every operation of the OpenAPI document and at the signed blob links: forged and expired tokens,
/// another practice's tokens at this practice's ids, mass-assignment and unknown fields added to accepted bodies,
/// 10,000-deep JSON, megabyte strings, path traversal in route values, query values, body keys and blob links, broken
/// encodings, unknown methods and forged headers. Never a 5xx; every 4xx is a problem; the host still answers
/// /health/live; nothing changes that should not. The plans are built from the document and the world alone, so the
/// count below does not depend on which test ran first.
/// </summary>
public sealed class HostileRequestTests(SchemaFuzzWorld world, ITestOutputHelper output) : IClassFixture<SchemaFuzzWorld>
{
    public const int RequiredRequests = 1000;
    private const int DeepNesting = 10_000;
    private const int HugeString = 1_000_000;
    private const int OverTheBodyLimit = 2 * 1024 * 1024;
    private const string SmuggledTime = "2001-02-03T04:05:06Z";
    private static readonly Guid SmuggledId = new("0194b2a0-0000-7000-8000-00000000bad1");

    private const string Tokens = "forged and expired tokens";
    private const string OtherPractice = "another practice's tokens at this practice's ids";
    private const string MassAssignment = "mass-assignment and unknown fields";
    private const string DeepJson = "deeply nested JSON";
    private const string HugeStrings = "megabyte strings";
    private const string Traversal = "path traversal in route values, body keys and blob links";
    private const string QueryTraversal = "path traversal and NUL in query values";
    private const string Encodings = "broken text encodings, charsets and idempotency keys";
    private const string MethodsAndHeaders = "unknown methods and hostile headers";

    public static readonly TheoryData<string> Categories = new() { Tokens, OtherPractice, MassAssignment, DeepJson, HugeStrings, Traversal, QueryTraversal, Encodings, MethodsAndHeaders };

    /// <summary>Encoded so that the client sends them as they are (a literal "../" is resolved by the client before sending).</summary>
    private static readonly string[] TraversalInPaths =
    [
        "..%2F..%2F..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "%252e%252e%252fetc%252fpasswd", "..%5C..%5C..%5Cwindows%5Cwin.ini",
        "%2Fetc%2Fpasswd", "%c0%ae%c0%ae%2f%c0%ae%c0%ae%2fetc%2fpasswd", "....%2F%2F....%2F%2Fetc%2Fpasswd", "..%3B%2F..%3B%2Fetc%2Fpasswd",
        "%2500", "..%2500.jpg", "file%3A%2F%2F%2Fetc%2Fpasswd",
    ];

    private static readonly string[] TraversalInQueries =
    [
        "../../../../etc/passwd", "..%2F..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "%252e%252e%252f", "..%5C..%5Cwindows%5Cwin.ini",
        "%2Fetc%2Fpasswd", "%00", "..%00.jpg", "file%3A%2F%2F%2Fetc%2Fpasswd",
    ];

    private static readonly string[] TraversalInBodies =
        ["../../../../etc/passwd", "..\\..\\..\\windows\\win.ini", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/etc/passwd", "frontal/../../../etc/passwd\0"];

    private static readonly string[] TraversalInBlobKeys =
    [
        "../../../../etc/passwd", "/etc/passwd", "scans/../../../etc/passwd", "..", ".", "scans/./x.jpg", "scans//x.jpg", "scans\\..\\..\\x.jpg",
        "C:\\Windows\\win.ini", "scans/x\0.jpg", "scans/x.jpg\n", "%2e%2e/%2e%2e/etc/passwd", "~/x.jpg", ".hidden/x.jpg", new string('a', 600),
    ];

    private enum Expect { Unauthorized, Refused, Answered }

    /// <summary>One request; <see cref="Authorization"/> is the header's whole value, <see cref="Bytes"/> a body that is not text.</summary>
    private sealed record HostileRequest(string Operation, string Label, string Method, string Path, string? Authorization, Func<string?>? Body, Expect Expect,
        string ContentType = "application/json", bool IdempotencyKey = false, Func<byte[]>? Bytes = null, string? IdempotencyKeyValue = null,
        (string Name, string Value)[]? Headers = null);

    [Theory]
    [MemberData(nameof(Categories))]
    public async Task Hostile_requests_never_fail_the_host_and_change_nothing_they_should_not(string category)
    {
        var plan = Plan(category);
        plan.ShouldNotBeEmpty();
        var files = FilesOfTheHost();
        var members = await MembersAsync();
        var before = await FingerprintAsync();

        var started = Stopwatch.GetTimestamp();
        var failures = new List<string>();
        var answers = new List<string>();
        using var client = world.Api.CreateClient();
        foreach (var hostile in plan)
        {
            var (text, failure) = await SendAsync(client, hostile);
            answers.Add(text);
            if (failure is not null) failures.Add(failure);
        }
        output.WriteLine($"{category}: {plan.Count} hostile requests to {plan.Select(p => p.Operation).Distinct().Count()} operations in " +
                         $"{Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms");

        failures.ShouldBeEmpty($"{failures.Count} of {plan.Count}:\n" + string.Join("\n", failures.Take(60)));
        (await client.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK, "the host is still up");
        var after = await FingerprintAsync();
        FilesOfTheHost().ShouldBe(files, "no file was written or removed");
        if (category == MassAssignment)
        {
            await ShouldHaveHadNoEffectAsync(answers, members, before, after);
            return;
        }
        // Answered reads add their audit rows: the one change a read may make.
        var differences = DatabaseFingerprint.Differences(before, after)
            .Where(d => category is not (QueryTraversal or MethodsAndHeaders) || !d.StartsWith("audit", StringComparison.Ordinal)).ToList();
        differences.ShouldBeEmpty("hostile requests changed the database");
    }

    [Fact]
    public void At_least_a_thousand_hostile_requests_reach_every_operation_of_the_document()
    {
        var plans = Categories.Cast<object[]>().Select(row => (string)row[0]).ToDictionary(category => category, Plan);
        foreach (var (category, plan) in plans) output.WriteLine($"{plan.Count,5}  {category}");
        var total = plans.Values.Sum(p => p.Count);
        output.WriteLine($"{total,5}  hostile requests in all");

        total.ShouldBeGreaterThanOrEqualTo(RequiredRequests);
        var reached = plans.Values.SelectMany(p => p).Select(p => p.Operation).ToHashSet(StringComparer.Ordinal);
        FuzzTargets.Operations(world.Document).Select(o => o.Id).Where(id => !reached.Contains(id)).ShouldBeEmpty("operations no hostile request reaches");
        reached.ShouldContain("blob links");
    }

    private List<HostileRequest> Plan(string category) => category switch
    {
        Tokens => TokenPlan(),
        OtherPractice => OtherPracticePlan(),
        MassAssignment => MassAssignmentPlan(),
        DeepJson => DeepJsonPlan(),
        HugeStrings => HugeStringPlan(),
        Traversal => TraversalPlan(),
        QueryTraversal => QueryTraversalPlan(),
        Encodings => EncodingPlan(),
        MethodsAndHeaders => MethodAndHeaderPlan(),
        _ => throw new ArgumentOutOfRangeException(nameof(category), category, null),
    };

    private List<FuzzOperation> Operations => FuzzTargets.Operations(world.Document);

    private static bool TakesIdempotencyKey(FuzzOperation operation) =>
        operation.Parameters.Any(p => p["in"]!.GetValue<string>() == "header" && p["name"]!.GetValue<string>() == "Idempotency-Key");

    private static Func<string?> Text(string body) => () => body;

    private static string? Bearer(string? token) => token is null ? null : "Bearer " + token;

    /// <summary>
    /// Each route with the caller's claims under every hostile token, and the body it would accept: were a token let
    /// through, the request would change something. Anonymous routes get an empty object, as they would act on a valid body.
    /// </summary>
    private List<HostileRequest> TokenPlan()
    {
        var plan = new List<HostileRequest>();
        foreach (var operation in Operations)
        {
            var target = world.TargetFor(operation.Id, operation.Path);
            var anonymous = operation.Anonymous;
            var claimsOf = world.TokenFor(target.Caller) ?? world.Owner.AccessToken;
            Func<string?>? body = operation.BodySchema is null ? null : anonymous ? Text("{}") : () => target.ValidBody!().ToJsonString();
            var headers = HostileTokens.From(claimsOf, world.Api.SigningKeyPath, world.OtherOwner.PracticeId).Select(t => ($"a token {t.Kind}", "Bearer " + t.Token))
                .Concat([("the Bearer scheme and no token", "Bearer"), ("Basic credentials", "Basic b3duZXI6cGFzc3dvcmQ="), ("the real token under another scheme", "Token " + claimsOf)]);
            foreach (var (kind, header) in headers)
                plan.Add(new(operation.Id, $"{operation.Id} with {kind}", operation.Method, target.Path, header, body,
                    anonymous ? Expect.Answered : Expect.Unauthorized, IdempotencyKey: TakesIdempotencyKey(operation)));
        }
        return plan;
    }

    /// <summary>This practice's real ids (patients, scans, the patient's thread), for the routes whose target is a made-up id.</summary>
    private string PathWithRealIds(FuzzOperation operation, FuzzTarget target) => operation.Id switch
    {
        "GetPatient" or "ArchivePatient" or "ExportPatientRecord" => operation.Path.Replace("{id}", world.EditedPatientId, StringComparison.Ordinal),
        "GetScanSession" => operation.Path.Replace("{id}", world.ReadySessionId, StringComparison.Ordinal),
        "SubmitScanSession" => operation.Path.Replace("{id}", world.PendingSessionId, StringComparison.Ordinal),
        "GetMessageThread" => operation.Path.Replace("{id}", world.Patient.PatientId.ToString(), StringComparison.Ordinal),
        _ => target.Path,
    };

    private List<HostileRequest> OtherPracticePlan()
    {
        var plan = new List<HostileRequest>();
        foreach (var operation in Operations.Where(o => o.Path.Contains("{id}", StringComparison.Ordinal)))
        {
            var target = world.TargetFor(operation.Id, operation.Path);
            // Finance and the platform admin are not members of a practice: their ids are not a practice's.
            if (target.Caller is not (FuzzCaller.Owner or FuzzCaller.Doctor or FuzzCaller.Patient)) continue;
            Func<string?>? body = target.ValidBody is null ? null : () => target.ValidBody().ToJsonString();
            var path = PathWithRealIds(operation, target);
            plan.Add(new(operation.Id, $"{operation.Id} with the other practice's owner token", operation.Method, path, Bearer(world.OtherOwner.AccessToken), body, Expect.Refused));
            plan.Add(new(operation.Id, $"{operation.Id} with the other practice's patient token", operation.Method, path, Bearer(world.OtherPatient.AccessToken), body, Expect.Refused));
        }
        var upload = Operations.Single(o => o.Id == "CreateScanUploadUrl");
        var uploadTarget = world.TargetFor(upload.Id, upload.Path);
        plan.Add(new(upload.Id, "an upload link for this practice's pending session asked by the other practice's patient", upload.Method, uploadTarget.Path,
            Bearer(world.OtherPatient.AccessToken), () => uploadTarget.ValidBody!().ToJsonString(), Expect.Refused));
        return plan;
    }

    private static readonly (string Style, Func<string, string> Name)[] NamingStyles =
    [
        ("camelCase", name => name),
        ("snake_case", name => string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()))),
        ("PascalCase", name => char.ToUpperInvariant(name[0]) + name[1..]),
    ];

    /// <summary>Fields a request record does not have, set to what an attacker would want them to be.</summary>
    private JsonObject SmuggledFields() => new()
    {
        ["practiceId"] = world.OtherOwner.PracticeId.ToString(),
        ["tenantId"] = world.OtherOwner.PracticeId.ToString(),
        ["id"] = SmuggledId.ToString(),
        ["userId"] = world.OtherOwner.UserId.ToString(),
        ["ownerId"] = world.OtherOwner.UserId.ToString(),
        ["patientId"] = world.OtherPatient.PatientId.ToString(),
        ["role"] = HostileTokens.EscalatedRole,
        ["platformRole"] = HostileTokens.EscalatedRole,
        ["isPlatformAdmin"] = true,
        ["isAdmin"] = true,
        ["mfaEnabled"] = false,
        ["status"] = "reviewed",
        ["subscriptionStatus"] = "active",
        ["createdAt"] = SmuggledTime,
        ["updatedAt"] = SmuggledTime,
        ["erasedAt"] = SmuggledTime,
        ["fuzzUnknownProperty"] = "ignored",
        ["__proto__"] = new JsonObject { ["isPlatformAdmin"] = true, ["role"] = HostileTokens.EscalatedRole },
        ["constructor"] = new JsonObject { ["prototype"] = new JsonObject { ["isAdmin"] = true } },
    };

    /// <summary>Each accepted body with every smuggled field its schema does not name, in three spellings; a route may accept it.</summary>
    private List<HostileRequest> MassAssignmentPlan()
    {
        var plan = new List<HostileRequest>();
        foreach (var operation in Operations.Where(o => o.BodySchema is not null))
        {
            var target = world.TargetFor(operation.Id, operation.Path);
            var fuzz = new SchemaFuzz(world.Document, 0);
            var known = (fuzz.Resolve(operation.BodySchema!)["properties"]?.AsObject() ?? []).Select(p => p.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var (style, name) in NamingStyles)
            {
                plan.Add(new(operation.Id, $"{operation.Id} with smuggled fields ({style})", operation.Method, target.Path, Bearer(world.TokenFor(target.Caller)), () =>
                {
                    var body = target.ValidBody!();
                    foreach (var (field, value) in SmuggledFields())
                    {
                        if (!known.Contains(field) && !known.Contains(name(field))) body[name(field)] = value?.DeepClone();
                    }
                    return body.ToJsonString();
                }, Expect.Answered, IdempotencyKey: TakesIdempotencyKey(operation)));
            }
        }
        return plan;
    }

    /// <summary>The routes that read a body: those with a schema, and the anonymous webhooks that read theirs raw.</summary>
    private IEnumerable<(FuzzOperation Operation, FuzzTarget Target)> BodyRoutes() =>
        from operation in Operations
        let target = world.TargetFor(operation.Id, operation.Path)
        where operation.BodySchema is not null || (operation.Anonymous && operation.Method == "POST")
        select (operation, target);

    private static string ValidOr(FuzzTarget target) => target.ValidBody?.Invoke().ToJsonString() ?? "{}";

    private static string WithProperty(string body, string name, string rawValue) => body[..body.LastIndexOf('}')] + (body.Trim() == "{}" ? "" : ",") + $"\"{name}\":{rawValue}}}";

    private List<HostileRequest> DeepJsonPlan()
    {
        var plan = new List<HostileRequest>();
        foreach (var (operation, target) in BodyRoutes())
        {
            var token = Bearer(world.TokenFor(target.Caller));
            HostileRequest Deep(string label, Func<string?> body) =>
                new(operation.Id, $"{operation.Id}: {label}", operation.Method, target.Path, token, body, Expect.Refused, IdempotencyKey: TakesIdempotencyKey(operation));
            plan.Add(Deep($"{DeepNesting:N0} nested arrays", () => new string('[', DeepNesting) + new string(']', DeepNesting)));
            plan.Add(Deep($"{DeepNesting:N0} nested objects in an unknown field", () =>
                WithProperty(ValidOr(target), "fuzzDeep", string.Concat(Enumerable.Repeat("{\"a\":", DeepNesting)) + "1" + new string('}', DeepNesting))));
            plan.Add(Deep("100,000 unclosed arrays", () => new string('[', 100_000)));
        }
        return plan;
    }

    private List<HostileRequest> HugeStringPlan()
    {
        var plan = new List<HostileRequest>();
        foreach (var (operation, target) in BodyRoutes())
        {
            var token = Bearer(world.TokenFor(target.Caller));
            plan.Add(new(operation.Id, $"{operation.Id}: {OverTheBodyLimit:N0} characters in an unknown field", operation.Method, target.Path, token,
                () => WithProperty(ValidOr(target), "fuzzPadding", $"\"{new string('x', OverTheBodyLimit)}\""), Expect.Refused, IdempotencyKey: TakesIdempotencyKey(operation)));
            foreach (var field in TopLevelFields(operation).Where(f => f.IsString))
            {
                plan.Add(new(operation.Id, $"{operation.Id}: {HugeString:N0} characters in {field.Name}", operation.Method, target.Path, token, () =>
                {
                    var body = target.ValidBody!();
                    body[field.Name] = new string('x', HugeString);
                    return body.ToJsonString();
                }, Expect.Refused, IdempotencyKey: TakesIdempotencyKey(operation)));
            }
        }
        return plan;
    }

    private List<HostileRequest> TraversalPlan()
    {
        var plan = new List<HostileRequest>();
        foreach (var operation in Operations)
        {
            var target = world.TargetFor(operation.Id, operation.Path);
            var token = Bearer(world.TokenFor(target.Caller));
            Func<string?>? valid = target.ValidBody is null ? null : () => target.ValidBody().ToJsonString();
            if (operation.Path.Contains("{id}", StringComparison.Ordinal))
            {
                foreach (var value in TraversalInPaths)
                    plan.Add(new(operation.Id, $"{operation.Id}: id {value}", operation.Method, operation.Path.Replace("{id}", value, StringComparison.Ordinal), token, valid, Expect.Refused));
            }
            // Ids, dates, times and codes from a fixed list: a key or a name the server builds paths or lookups from.
            foreach (var field in TopLevelFields(operation).Where(f => f.IsKey))
            {
                foreach (var value in TraversalInBodies)
                {
                    plan.Add(new(operation.Id, $"{operation.Id}: {field.Name} {value.ReplaceLineEndings("\\n").Replace("\0", "\\0", StringComparison.Ordinal)}",
                        operation.Method, target.Path, token, () =>
                        {
                            var body = target.ValidBody!();
                            body[field.Name] = value;
                            return body.ToJsonString();
                        }, Expect.Refused, IdempotencyKey: TakesIdempotencyKey(operation)));
                }
            }
        }
        plan.AddRange(BlobLinkPlan());
        return plan;
    }

    /// <summary>
    /// The photo links: traversal instead of a token, and tokens really signed with the server's key that name a key
    /// outside the store, live too long or have expired. Each is refused by the link check before any file is touched.
    /// </summary>
    private List<HostileRequest> BlobLinkPlan()
    {
        const string operation = "blob links";
        var signer = world.Api.Services.GetRequiredService<BlobUrlSigner>();
        var plan = new List<HostileRequest>();
        foreach (var method in new[] { BlobUrlSigner.Get, BlobUrlSigner.Put })
        {
            Func<string?>? body = method == BlobUrlSigner.Put ? Text("xyz") : null;
            HostileRequest Link(string label, string token) =>
                new(operation, $"{method} blob link {label}", method, $"{EncryptedFileBlobStore.RoutePrefix}/{token}", null, body, Expect.Refused, ContentType: "image/jpeg");
            foreach (var value in TraversalInPaths) plan.Add(Link($"token {value}", value));
            string Signed(string key, DateTimeOffset expires) =>
                signer.Sign(new BlobUrlClaims(method, key, "image/jpeg", method == BlobUrlSigner.Put ? 3 : null, expires.ToUnixTimeSeconds(), "fuzz-nonce"));
            foreach (var key in TraversalInBlobKeys)
                plan.Add(Link($"signed for key {Shorten(key.ReplaceLineEndings("\\n").Replace("\0", "\\0", StringComparison.Ordinal))}", Signed(key, DateTimeOffset.UtcNow.AddMinutes(2))));
            plan.Add(Link("signed and expired", Signed("scans/fuzz/x.jpg", DateTimeOffset.UtcNow.AddMinutes(-1))));
            plan.Add(Link("signed to live a year", Signed("scans/fuzz/x.jpg", DateTimeOffset.UtcNow.AddYears(1))));
            plan.Add(Link("signed for the other method", signer.Sign(new BlobUrlClaims(method == BlobUrlSigner.Get ? BlobUrlSigner.Put : BlobUrlSigner.Get,
                "scans/fuzz/x.jpg", "image/jpeg", 3, DateTimeOffset.UtcNow.AddMinutes(2).ToUnixTimeSeconds(), "fuzz-nonce"))));
        }
        return plan;
    }

    private List<HostileRequest> QueryTraversalPlan()
    {
        var plan = new List<HostileRequest>();
        foreach (var operation in Operations)
        {
            var target = world.TargetFor(operation.Id, operation.Path);
            foreach (var parameter in operation.Parameters.Where(p => p["in"]!.GetValue<string>() == "query"))
            {
                operation.Method.ShouldBe("GET", $"{operation.Id} takes query values: give its hostile queries a body");
                var name = parameter["name"]!.GetValue<string>();
                foreach (var value in TraversalInQueries)
                    plan.Add(new(operation.Id, $"{operation.Id}: {name}={value}", "GET", $"{target.Path}?{name}={value}", Bearer(world.TokenFor(target.Caller)), null, Expect.Answered));
            }
        }
        return plan;
    }

    // Keys are opaque values compared as they are (never a path or SQL), so only their length is a refusal everywhere.
    private static readonly string[] HostileIdempotencyKeys = [new string('k', 101), new string('k', 10_000)];

    /// <summary>
    /// Text no UTF-8 column can hold (lone surrogates, escaped or as bytes), a body in another encoding than declared, an
    /// unknown charset (was a 500), and idempotency keys longer than any route keeps.
    /// </summary>
    private List<HostileRequest> EncodingPlan()
    {
        var plan = new List<HostileRequest>();
        foreach (var operation in Operations.Where(o => o.BodySchema is not null))
        {
            var target = world.TargetFor(operation.Id, operation.Path);
            var token = Bearer(world.TokenFor(target.Caller));
            var idempotent = TakesIdempotencyKey(operation);
            string Valid() => target.ValidBody!().ToJsonString();
            HostileRequest Case(string label, Func<string?>? body, string contentType = "application/json", Func<byte[]>? bytes = null, string? key = null) =>
                new(operation.Id, $"{operation.Id}: {label}", operation.Method, target.Path, token, body, Expect.Refused, contentType, idempotent, bytes, key);

            foreach (var field in TopLevelFields(operation).Where(f => f.IsString))
            {
                foreach (var (label, escaped) in new[] { ("a lone high surrogate", "\\ud800"), ("a lone low surrogate", "\\udfff") })
                {
                    plan.Add(Case($"{label} in {field.Name}", () =>
                    {
                        var body = target.ValidBody!();
                        body[field.Name] = "fuzz-surrogate";
                        return body.ToJsonString().Replace("\"fuzz-surrogate\"", $"\"a{escaped}b\"", StringComparison.Ordinal);
                    }));
                }
            }
            if (TopLevelFields(operation).FirstOrDefault(f => f.IsString) is { } text)
            {
                plan.Add(Case($"invalid UTF-8 bytes in {text.Name}", null, bytes: () =>
                {
                    var body = target.ValidBody!();
                    body[text.Name] = "fuzz-bytes";
                    var parts = body.ToJsonString().Split("fuzz-bytes");
                    return [.. Encoding.UTF8.GetBytes(parts[0]), 0xC3, 0x28, 0xFF, 0xED, 0xA0, 0x80, .. Encoding.UTF8.GetBytes(parts[1])];
                }));
            }
            plan.Add(Case("a UTF-16 body declared as JSON", null, bytes: () => Encoding.Unicode.GetBytes(Valid())));
            plan.Add(Case("an unknown charset", Valid, "application/json; charset=bogus-8"));
            if (!idempotent) continue;
            foreach (var key in HostileIdempotencyKeys) plan.Add(Case($"Idempotency-Key {Shorten(key)}", Valid, key: key));
        }
        return plan;
    }

    private static readonly (string Name, string Value)[][] HostileHeaders =
    [
        [("X-Forwarded-For", "999.999.999.999, ../../etc/passwd, <script>"), ("X-Forwarded-Host", "evil.example:99999"), ("X-Forwarded-Proto", "gopher")],
        [("Accept", "*/*;q=nan, application/problem+json;q=-1, text/html;q=2"), ("Accept-Language", "xx-INVALID-123456789, *;q=7"), ("Accept-Encoding", "br;q=x, zstd")],
        [("If-Modified-Since", "not a date"), ("If-None-Match", "\"../../etc/passwd\""), ("Range", "bytes=99999999999999999999-1")],
        [("Cookie", "session=../../etc/passwd; .AspNetCore.Cookies=%00%00"), ("Origin", "null"), ("Referer", "javascript:alert(1)")],
    ];

    /// <summary>
    /// Every route under a method it does not have, and every read with headers a proxy or a browser would never send.
    /// The reads are answered (audited as reads); the methods are refused.
    /// </summary>
    private List<HostileRequest> MethodAndHeaderPlan()
    {
        var plan = new List<HostileRequest>();
        foreach (var operation in Operations)
        {
            var target = world.TargetFor(operation.Id, operation.Path);
            var token = Bearer(world.TokenFor(target.Caller));
            foreach (var method in new[] { "TRACE", "PROPFIND" })
                plan.Add(new(operation.Id, $"{operation.Id} as {method}", method, target.Path, token, null, Expect.Refused));
            if (operation.Method != "GET") continue;
            foreach (var headers in HostileHeaders)
                plan.Add(new(operation.Id, $"{operation.Id} with {string.Join(", ", headers.Select(h => h.Name))}", "GET", target.Path, token, null, Expect.Answered,
                    Headers: headers));
        }
        return plan;
    }

    private sealed record Field(string Name, bool IsString, bool IsKey);

    /// <summary>The top-level properties of an operation's body: whether each is text, and whether it is an id, a date or a code.</summary>
    private List<Field> TopLevelFields(FuzzOperation operation)
    {
        if (operation.BodySchema is null) return [];
        var fuzz = new SchemaFuzz(world.Document, 0);
        var fields = new List<Field>();
        foreach (var (name, node) in fuzz.Resolve(operation.BodySchema)["properties"]?.AsObject() ?? [])
        {
            var options = node!["oneOf"] is JsonArray oneOf ? oneOf.Select(o => fuzz.Resolve(o!.AsObject())).ToList() : [fuzz.Resolve(node.AsObject())];
            var schema = options.FirstOrDefault(o => o["type"]?.ToString() != "null") ?? options[0];
            var type = schema["type"] switch
            {
                JsonArray types => types.Select(t => t!.GetValue<string>()).FirstOrDefault(t => t != "null"),
                JsonValue single => single.GetValue<string>(),
                _ => null,
            };
            var isString = type == "string" || schema.ContainsKey("enum");
            fields.Add(new(name, isString, isString && (schema.ContainsKey("format") || schema.ContainsKey("enum"))));
        }
        return fields;
    }

    private static async Task<(string Text, string? Failure)> SendAsync(HttpClient client, HostileRequest hostile)
    {
        using var request = new HttpRequestMessage(new HttpMethod(hostile.Method), hostile.Path);
        var bytes = hostile.Bytes?.Invoke() ?? (hostile.Body?.Invoke() is { } body ? Encoding.UTF8.GetBytes(body) : null);
        if (bytes is not null || hostile.Method is not ("GET" or "HEAD"))
        {
            request.Content = new ByteArrayContent(bytes ?? []);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", hostile.ContentType);
        }
        if (hostile.Authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", hostile.Authorization);
        if (hostile.IdempotencyKeyValue is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", hostile.IdempotencyKeyValue);
        else if (hostile.IdempotencyKey) request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        foreach (var (name, value) in hostile.Headers ?? []) request.Headers.TryAddWithoutValidation(name, value);

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        var label = $"{hostile.Label} ({hostile.Method} {Shorten(hostile.Path)})";
        // A path that the client resolved out of /api (the dashboard's 404 page answers there) is held only to "no 5xx".
        var inApi = response.RequestMessage!.RequestUri!.AbsolutePath.StartsWith("/api/", StringComparison.Ordinal);
        string? failure = null;
        if (status >= 500) failure = $"{label}: {status} {Shorten(text)}";
        else if (text.Contains("root:x:0:0", StringComparison.Ordinal) || text.Contains("[fonts]", StringComparison.Ordinal)) failure = $"{label}: answered a system file";
        else if (status >= 400 && inApi && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            failure = $"{label}: {status} without a problem ({response.Content.Headers.ContentType}) {Shorten(text)}";
        else if (hostile.Expect == Expect.Unauthorized && status != 401) failure = $"{label}: expected 401, got {status} {Shorten(text)}";
        else if (hostile.Expect == Expect.Refused && inApi && status < 400) failure = $"{label}: expected a refusal, got {status} {Shorten(text)}";
        return (text, failure);
    }

    private static string Shorten(string value) => value.Length > 160 ? $"{value[..120]}...({value.Length} chars)" : value;

    private Task<IReadOnlyDictionary<string, string>> FingerprintAsync() =>
        DatabaseFingerprint.TakeAsync(world.Api.OwnerConnectionString, world.Owner.PracticeId, world.OtherOwner.PracticeId);

    /// <summary>Every file under the host's own folder (keys, blobs, audit archive), with its length.</summary>
    private List<string> FilesOfTheHost()
    {
        var root = Path.GetDirectoryName(world.Api.BlobRoot)!;
        return Directory.Exists(root)
            ? [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(f => $"{Path.GetRelativePath(root, f)} {new FileInfo(f).Length}").Order(StringComparer.Ordinal)]
            : [];
    }

    /// <summary>Every member of both practices (id, practice, user, role) and how many platform roles exist.</summary>
    private async Task<List<string>> MembersAsync()
    {
        var rows = new List<string>();
        foreach (var practice in new[] { world.Owner.PracticeId, world.OtherOwner.PracticeId })
        {
            await using var db = await Sql.OpenAsync(world.Api.OwnerConnectionString, practice);
            rows.AddRange(await db.ColumnAsync("SELECT concat_ws(' ', id, practice_id, user_id, role) FROM practice_members ORDER BY id"));
        }
        await using (var db = await Sql.OpenAsync(world.Api.OwnerConnectionString))
            rows.Add("platform roles: " + await db.ScalarAsync<long>("SELECT count(*) FROM user_accounts WHERE platform_role IS NOT NULL"));
        return rows;
    }

    /// <summary>
    /// Smuggled fields may ride along on accepted requests, which change this practice as they should; they must have
    /// had no effect of their own: nothing echoed, no row under the smuggled id or time, nothing of the other practice
    /// touched, no member's role or practice changed and no platform role granted.
    /// </summary>
    private async Task ShouldHaveHadNoEffectAsync(List<string> answers, List<string> membersBefore, IReadOnlyDictionary<string, string> before,
        IReadOnlyDictionary<string, string> after)
    {
        string[] smuggled = [SmuggledId.ToString(), world.OtherOwner.PracticeId.ToString(), world.OtherOwner.UserId.ToString(),
            world.OtherPatient.PatientId.ToString(), "2001-02-03", HostileTokens.EscalatedRole];
        answers.Where(a => smuggled.Any(s => a.Contains(s, StringComparison.OrdinalIgnoreCase))).ShouldBeEmpty("an answer echoed a smuggled value");

        var changed = DatabaseFingerprint.Differences(before, after).Select(d => d[..d.IndexOf(':', StringComparison.Ordinal)]).ToHashSet();
        var other = $"(practice {world.OtherOwner.PracticeId})";
        changed.Where(key => key.EndsWith(other, StringComparison.Ordinal) && !changed.Contains(key.Replace(other, "(practice none)", StringComparison.Ordinal)))
            .ShouldBeEmpty("the other practice's rows changed");

        var membersAfter = await MembersAsync();
        membersBefore.Where(m => !membersAfter.Contains(m)).ShouldBeEmpty("a member's role or practice changed, or a platform role was granted");
        membersAfter.Except(membersBefore).ShouldAllBe(m => !m.EndsWith(" owner", StringComparison.Ordinal), "no new owner");

        (await RowsWithSmuggledValuesAsync()).ShouldBeEmpty();
    }

    private async Task<List<string>> RowsWithSmuggledValuesAsync()
    {
        var found = new List<string>();
        foreach (var practice in new Guid?[] { null, world.Owner.PracticeId, world.OtherOwner.PracticeId })
        {
            await using var db = await Sql.OpenAsync(world.Api.OwnerConnectionString, practice);
            var columns = await db.ColumnAsync("""
                SELECT table_name || '.' || column_name FROM information_schema.columns
                WHERE table_schema = 'public' AND ((column_name = 'id' AND data_type = 'uuid') OR (column_name LIKE '%\_at' AND data_type LIKE 'timestamp%'))
                ORDER BY 1
                """);
            foreach (var column in columns)
            {
                var (table, name) = (column[..column.IndexOf('.')], column[(column.IndexOf('.') + 1)..]);
                var condition = name == "id" ? $"\"{name}\" = '{SmuggledId}'" : $"\"{name}\" < '2002-01-01'";
                if (await db.ScalarAsync<long>($"SELECT count(*) FROM \"{table}\" WHERE {condition}") > 0) found.Add($"{column} holds a smuggled value");
            }
        }
        return found;
    }
}
