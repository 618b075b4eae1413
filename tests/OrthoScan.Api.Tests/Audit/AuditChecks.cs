using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using OrthoScan.Api.Tests.Infrastructure;

namespace OrthoScan.Api.Tests.Audit;

/// <summary>Waiting for the sealer (worker role, every 200 ms in tests) by polling what an owner can see, never by sleeping a fixed time.</summary>
public static class AuditChecks
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>The verify report once every audit row of the practice is sealed.</summary>
    public static Task<JsonNode> VerifyWhenSealedAsync(this ApiFactory api, Session owner) =>
        PollAsync(api, owner, "/api/v1/audit/verify", report => report["unsealedEntries"]!.GetValue<long>() == 0, "every audit row sealed");

    /// <summary>The practice's entries for a resource, newest first, once every one of them has its seq.</summary>
    public static async Task<List<JsonNode?>> EntriesWhenSealedAsync(this ApiFactory api, Session owner, string resourceId)
    {
        var page = await PollAsync(api, owner, $"/api/v1/audit?resourceId={resourceId}&limit=200",
            p => p["items"]!.AsArray().All(e => e!["seq"] is not null), $"the entries of {resourceId} sealed");
        return page["items"]!.AsArray().ToList();
    }

    private static async Task<JsonNode> PollAsync(ApiFactory api, Session owner, string url, Func<JsonNode, bool> done, string what)
    {
        var client = api.As(owner);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var body = await (await client.GetAsync(url)).ShouldBeAsync(HttpStatusCode.OK);
            if (done(body)) return body;
            if (clock.Elapsed > Patience) throw new TimeoutException($"Waited {Patience} for {what}; last answer: {body.ToJsonString()}");
            await Task.Delay(50);
        }
    }
}
