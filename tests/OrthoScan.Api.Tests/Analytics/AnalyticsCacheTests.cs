using System.Net;
using System.Net.Http.Json;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;
using StackExchange.Redis;

namespace OrthoScan.Api.Tests.Analytics;

/// <summary>Both analytics endpoints are cached in the real Redis per practice, and a new tag set invalidates them.</summary>
[Collection(ApiCollection.Name)]
public sealed class AnalyticsCacheTests(ApiFactory api)
{
    private static object Tags(int tracking) =>
        new { taxonomyVersion = "2026.1", overallTracking = tracking, alignerFit = 2, oralHygiene = 2, detailTags = Array.Empty<object>(), action = "approve_progression" };

    [Fact]
    public async Task A_second_call_comes_from_Redis_and_a_new_tag_set_invalidates_it()
    {
        var owner = await api.RegisterPracticeAsync();
        var patient = await api.PatientAsync(owner);
        var viaApi = await api.SessionAsync(owner, patient, "ready", DateTime.UtcNow.AddHours(-2));
        var viaSql = await api.SessionAsync(owner, patient, "ready", DateTime.UtcNow.AddHours(-1));

        var tagsBefore = await TagAnalyticsAsync(owner);
        var dashboardBefore = await DashboardAnalyticsAsync(owner);
        tagsBefore.TagSets.ShouldBe(0);
        dashboardBefore.TaggingRate.ShouldBe(0.0);
        // The cached answers read back whole: same body, same generatedAt.
        ContractJson.Write(await DashboardAnalyticsAsync(owner)).ShouldBe(ContractJson.Write(dashboardBefore));
        ContractJson.Write(await TagAnalyticsAsync(owner)).ShouldBe(ContractJson.Write(tagsBefore));

        await using var redis = await ConnectionMultiplexer.ConnectAsync(Environment.GetEnvironmentVariable("ConnectionStrings__Redis")!);
        var server = redis.GetServers().Single();
        var keys = server.Keys(pattern: $"{api.RedisPrefix}cache:{owner.PracticeId}:*").Select(k => k.ToString()).ToList();
        keys.ShouldContain(k => k.StartsWith($"{api.RedisPrefix}cache:{owner.PracticeId}:0:tag-analytics:", StringComparison.Ordinal));
        keys.ShouldContain(k => k.StartsWith($"{api.RedisPrefix}cache:{owner.PracticeId}:0:dashboard-analytics:", StringComparison.Ordinal));
        var ttl = await redis.GetDatabase().KeyTimeToLiveAsync(keys.First(k => k.Contains(":tag-analytics:", StringComparison.Ordinal)));
        ttl.ShouldNotBeNull();
        ttl.Value.ShouldBeLessThanOrEqualTo(TimeSpan.FromMinutes(10));

        // Written behind the API's back: the cached answer does not see it, which shows the second call never reached PostgreSQL.
        await api.TagSetAsync(owner, viaSql, await api.MemberIdAsync(owner), DateTime.UtcNow, 15, tracking: 1, fit: 1, hygiene: 1);
        var tagsCached = await TagAnalyticsAsync(owner);
        tagsCached.TagSets.ShouldBe(0);
        tagsCached.GeneratedAt.ShouldBe(tagsBefore.GeneratedAt);

        await (await api.As(owner).PostAsJsonAsync($"/api/v1/scans/sessions/{viaApi}/tags", Tags(3))).ShouldBeAsync<TagSetDto>(HttpStatusCode.Created);

        var tagsAfter = await TagAnalyticsAsync(owner);
        tagsAfter.TagSets.ShouldBe(2);
        var dashboardAfter = await DashboardAnalyticsAsync(owner);
        dashboardAfter.TaggingRate.ShouldBe(0.5);
        AnalyticsData.Counts(AnalyticsData.ScoreValues(dashboardAfter, "overall_tracking")).ShouldBe(new Dictionary<string, int> { ["1"] = 1, ["2"] = 0, ["3"] = 1 });
        ((long)await redis.GetDatabase().StringGetAsync($"{api.RedisPrefix}cache:{owner.PracticeId}:generation")).ShouldBe(1);
    }

    [Fact]
    public async Task A_tag_set_in_another_practice_leaves_this_practice_s_cache_alone()
    {
        var ours = await api.RegisterPracticeAsync("Ours");
        var theirs = await api.RegisterPracticeAsync("Theirs");
        var theirScan = await api.SessionAsync(theirs, await api.PatientAsync(theirs), "ready", DateTime.UtcNow.AddHours(-1));

        var before = await TagAnalyticsAsync(ours);
        await (await api.As(theirs).PostAsJsonAsync($"/api/v1/scans/sessions/{theirScan}/tags", Tags(2))).ShouldBeAsync<TagSetDto>(HttpStatusCode.Created);
        var after = await TagAnalyticsAsync(ours);

        after.GeneratedAt.ShouldBe(before.GeneratedAt);
        (await TagAnalyticsAsync(theirs)).TagSets.ShouldBe(1);
    }

    private async Task<TagAnalyticsDto> TagAnalyticsAsync(Session user) =>
        await (await api.As(user).GetAsync("/api/v1/tags/analytics")).ShouldBeAsync<TagAnalyticsDto>(HttpStatusCode.OK);

    private async Task<DashboardAnalyticsDto> DashboardAnalyticsAsync(Session user) =>
        await (await api.As(user).GetAsync("/api/v1/dashboard/analytics")).ShouldBeAsync<DashboardAnalyticsDto>(HttpStatusCode.OK);
}
