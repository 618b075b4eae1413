using System.Diagnostics;
using System.Net;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;

namespace OrthoScan.Api.Tests.Audit;

/// <summary>Waiting for the sealer (worker role, every 200 ms in tests) by polling what an owner can see, never by sleeping a fixed time.</summary>
public static class AuditChecks
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>The verify report once every audit row of the practice is sealed.</summary>
    public static Task<AuditChainReportDto> VerifyWhenSealedAsync(this ApiFactory api, Session owner) =>
        PollAsync<AuditChainReportDto>(api, owner, "/api/v1/audit/verify", report => report.UnsealedEntries == 0, "every audit row sealed");

    /// <summary>The practice's entries for a resource, newest first, once every one of them has its seq.</summary>
    public static async Task<IReadOnlyList<AuditEntryDto>> EntriesWhenSealedAsync(this ApiFactory api, Session owner, Guid resourceId)
    {
        var page = await PollAsync<PageDto<AuditEntryDto>>(api, owner, $"/api/v1/audit?resourceId={resourceId}&limit=200",
            p => p.Items.All(e => e.Seq is not null), $"the entries of {resourceId} sealed");
        return page.Items;
    }

    private static async Task<T> PollAsync<T>(ApiFactory api, Session owner, string url, Func<T, bool> done, string what)
    {
        var client = api.As(owner);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var body = await (await client.GetAsync(url)).ShouldBeAsync<T>(HttpStatusCode.OK);
            if (done(body)) return body;
            if (clock.Elapsed > Patience) throw new TimeoutException($"Waited {Patience} for {what}; last answer: {ContractJson.Write(body)}");
            await Task.Delay(50);
        }
    }
}
