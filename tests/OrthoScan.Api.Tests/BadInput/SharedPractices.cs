using System.Collections.Concurrent;
using System.Net;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.BadInput;

/// <summary>
/// Practices registered once per test host and reused by the bad-input tests. Registration is rate limited per
/// address (10 per 10 minutes) and every test request comes from the same one, so a practice per test would run out.
/// </summary>
internal static class SharedPractices
{
    private static readonly ConcurrentDictionary<(ApiFactory, string), Lazy<Task<Session>>> Sessions = new();

    public static Task<Session> PracticeAsync(this ApiFactory api, string name = "Bad Input Practice") =>
        Sessions.GetOrAdd((api, name), key => new Lazy<Task<Session>>(() => key.Item1.RegisterPracticeAsync(key.Item2))).Value;

    /// <summary>The ids of every patient of the practice, archived ones included, in list order.</summary>
    public static async Task<List<Guid>> PatientIdsAsync(this ApiFactory api, Session owner)
    {
        var ids = new List<Guid>();
        foreach (var status in Enum.GetValues<PatientStatus>())
        {
            var list = await (await api.As(owner).GetAsync($"/api/v1/patients?status={ContractJson.Wire(status)}&limit=200"))
                .ShouldBeAsync<PageDto<PatientDto>>(HttpStatusCode.OK);
            list.NextCursor.ShouldBeNull("the practice has too many patients to compare in one page");
            ids.AddRange(list.Items.Select(p => p.Id));
        }
        return ids;
    }
}
