using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Role = OrthoScan.Api.Domain.Role;
using OrthoScan.Api.Infrastructure.Http;
using OrthoScan.Api.Infrastructure.Security;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Analytics;

/// <summary>
/// GET /dashboard/analytics on a host whose clock is fake: sessions and tag sets go in through SQL with the timestamps
/// each case needs, then the endpoint is asked at a fixed "now" (Thursday 2026-11-26 10:00 UTC).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class DashboardAnalyticsTests(ApiFactory api) : IAsyncLifetime
{
    private static readonly DateTime Now = Utc(2026, 11, 26, 10, 0);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(Now));
    private WebApplicationFactory<Program> _host = null!;

    public Task InitializeAsync()
    {
        // API only: a job worker on a fake clock must not claim the other tests' jobs in the shared database.
        _host = api.WithWebHostBuilder(b => b.UseSetting(HostRoles.Key, "api").ConfigureServices(s =>
        {
            s.RemoveAll<TimeProvider>();
            s.AddSingleton<TimeProvider>(_clock);
            foreach (var worker in s.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Name == "JobWorker").ToList()) s.Remove(worker);
        }));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Weeks_medians_tagging_rate_and_score_distributions_on_known_data()
    {
        var owner = await api.RegisterPracticeAsync();
        var doctor = await api.AddMemberAsync(owner, "doctor");
        var ownerMember = await api.MemberIdAsync(owner);
        var doctorMember = await api.MemberIdAsync(doctor);
        var patient = await api.PatientAsync(owner);

        // Four weeks: Mondays 2026-11-02, 11-09 (nothing happens), 11-16 and 11-23 (the current week).
        var reviewedEarly = await api.SessionAsync(owner, patient, "reviewed", Utc(2026, 10, 30, 12, 0), Utc(2026, 11, 2, 12, 0)); // 4320 min
        var quick = await api.SessionAsync(owner, patient, "reviewed", Utc(2026, 11, 3, 9, 0), Utc(2026, 11, 3, 10, 0));           // 60 min
        var nextDay = await api.SessionAsync(owner, patient, "reviewed", Utc(2026, 11, 4, 9, 0), Utc(2026, 11, 5, 9, 0));          // 1440 min
        await api.SessionAsync(owner, patient, "ready", Utc(2026, 11, 16, 8, 0));
        await api.SessionAsync(owner, patient, "ready", Utc(2026, 11, 22, 23, 59).AddSeconds(59));                                 // Sunday night
        var monday = await api.SessionAsync(owner, patient, "reviewed", Utc(2026, 11, 23, 0, 0), Utc(2026, 11, 23, 0, 30));        // 30 min
        await api.SessionAsync(owner, patient, "pending", null);                                                                    // never submitted
        var old = await api.SessionAsync(owner, patient, "reviewed", Utc(2026, 10, 1, 9, 0), Utc(2026, 10, 1, 10, 0));              // before the window

        await api.TagSetAsync(owner, reviewedEarly, ownerMember, Utc(2026, 11, 2, 12, 0), 10, tracking: 3, fit: null, hygiene: 2);
        await api.TagSetAsync(owner, quick, ownerMember, Utc(2026, 11, 3, 10, 0), 20, tracking: 3, fit: 1, hygiene: 2);
        await api.TagSetAsync(owner, nextDay, ownerMember, Utc(2026, 11, 5, 9, 0), 40, tracking: 2, fit: 1, hygiene: 3);
        await api.TagSetAsync(owner, monday, ownerMember, Utc(2026, 11, 23, 0, 30), 25, tracking: 3, fit: 3, hygiene: 1);
        await api.TagSetAsync(owner, quick, doctorMember, Utc(2026, 11, 6, 10, 0), 30, tracking: 2, fit: null, hygiene: 2);  // second review
        await api.TagSetAsync(owner, old, ownerMember, Utc(2026, 10, 1, 10, 0), 500, tracking: 1, fit: 2, hygiene: 1);

        var body = await AnalyticsAsync(owner, "?weeks=4");

        body.From.ShouldBe(new DateOnly(2026, 11, 2));
        body.To.ShouldBe(new DateOnly(2026, 11, 29));
        var weeks = body.Weeks;
        weeks.Select(w => w.WeekStart).ShouldBe([new(2026, 11, 2), new(2026, 11, 9), new(2026, 11, 16), new(2026, 11, 23)]);
        weeks.Select(w => w.Received).ShouldBe([2, 0, 2, 1]);
        weeks.Select(w => w.Reviewed).ShouldBe([3, 0, 0, 1]);
        // Reviewed in the window: 30, 60, 1440 and 4320 minutes after submission.
        body.MedianMinutesToReview.ShouldBe(750.0);
        // Review durations of the window's five tag sets: 10, 20, 25, 30, 40 seconds.
        body.MedianReviewSeconds.ShouldBe(25.0);
        // Five scans submitted in the window, three of them reviewed.
        body.TaggingRate.ShouldBe(0.6);

        AnalyticsData.Counts(AnalyticsData.ScoreValues(body, "overall_tracking")).ShouldBe(new Dictionary<string, int> { ["1"] = 0, ["2"] = 2, ["3"] = 3 });
        AnalyticsData.Counts(AnalyticsData.ScoreValues(body, "aligner_fit")).ShouldBe(new Dictionary<string, int> { ["1"] = 2, ["2"] = 0, ["3"] = 1, ["not_applicable"] = 2 });
        AnalyticsData.Counts(AnalyticsData.ScoreValues(body, "oral_hygiene")).ShouldBe(new Dictionary<string, int> { ["1"] = 1, ["2"] = 3, ["3"] = 1 });
        AnalyticsData.ScoreValues(body, "overall_tracking").Select(v => v.Value).ShouldBe(["1", "2", "3"]);
        body.GeneratedAt.ShouldBe(Now);
    }

    [Fact]
    public async Task Twelve_weeks_by_default_every_week_present_and_nulls_without_data()
    {
        var owner = await api.RegisterPracticeAsync();

        var body = await AnalyticsAsync(owner);

        body.From.ShouldBe(new DateOnly(2026, 9, 7));
        body.To.ShouldBe(new DateOnly(2026, 11, 29));
        var weeks = body.Weeks;
        weeks.Count.ShouldBe(12);
        weeks.ShouldAllBe(w => w.Received == 0 && w.Reviewed == 0);
        weeks.Select(w => w.WeekStart).ShouldAllBe(d => d.DayOfWeek == DayOfWeek.Monday);
        body.MedianMinutesToReview.ShouldBeNull();
        body.MedianReviewSeconds.ShouldBeNull();
        body.TaggingRate.ShouldBeNull();
        AnalyticsData.Counts(AnalyticsData.ScoreValues(body, "aligner_fit")).Values.ShouldAllBe(c => c == 0);
        AnalyticsData.Counts(AnalyticsData.ScoreValues(body, "aligner_fit")).Keys.ShouldBe(["1", "2", "3", "not_applicable"]);
    }

    [Fact]
    public async Task Another_practice_s_scans_and_tags_never_count()
    {
        var ours = await api.RegisterPracticeAsync("Ours");
        var theirs = await api.RegisterPracticeAsync("Theirs");
        var ourPatient = await api.PatientAsync(ours);
        var theirPatient = await api.PatientAsync(theirs);
        var ourScan = await api.SessionAsync(ours, ourPatient, "reviewed", Utc(2026, 11, 24, 9, 0), Utc(2026, 11, 24, 9, 10));
        await api.TagSetAsync(ours, ourScan, await api.MemberIdAsync(ours), Utc(2026, 11, 24, 9, 10), 12, tracking: 3, fit: 3, hygiene: 3);
        var theirMember = await api.MemberIdAsync(theirs);
        for (var i = 0; i < 3; i++)
        {
            var scan = await api.SessionAsync(theirs, theirPatient, "reviewed", Utc(2026, 11, 24, 8, i), Utc(2026, 11, 24, 11, 0));
            await api.TagSetAsync(theirs, scan, theirMember, Utc(2026, 11, 24, 11, 0), 90, tracking: 1, fit: 1, hygiene: 1);
        }
        await api.SessionAsync(theirs, theirPatient, "ready", Utc(2026, 11, 25, 8, 0));

        var body = await AnalyticsAsync(ours, "?weeks=1");

        body.Weeks.Single().Received.ShouldBe(1);
        body.Weeks.Single().Reviewed.ShouldBe(1);
        body.MedianMinutesToReview.ShouldBe(10.0);
        body.MedianReviewSeconds.ShouldBe(12.0);
        body.TaggingRate.ShouldBe(1.0);
        AnalyticsData.Counts(AnalyticsData.ScoreValues(body, "overall_tracking")).ShouldBe(new Dictionary<string, int> { ["1"] = 0, ["2"] = 0, ["3"] = 1 });

        var theirView = await AnalyticsAsync(theirs, "?weeks=1");
        theirView.Weeks.Single().Received.ShouldBe(4);
        AnalyticsData.Counts(AnalyticsData.ScoreValues(theirView, "overall_tracking")).ShouldBe(new Dictionary<string, int> { ["1"] = 3, ["2"] = 0, ["3"] = 0 });
    }

    [Fact]
    public async Task Weeks_outside_1_to_52_are_a_400_naming_weeks()
    {
        var owner = await api.RegisterPracticeAsync();
        foreach (var path in new[] { "/api/v1/dashboard/analytics", "/api/v1/tags/analytics" })
        {
            foreach (var weeks in new[] { "0", "53", "-1" })
            {
                var problem = await (await Client(owner).GetAsync($"{path}?weeks={weeks}")).ShouldFailAsync(HttpStatusCode.BadRequest, "validation");
                problem.Errors.ShouldNotBeNull().ShouldContainKey("weeks");
                problem.Errors["weeks"].ShouldNotBeEmpty();
            }
            await (await Client(owner).GetAsync($"{path}?weeks=many")).ShouldFailAsync(HttpStatusCode.BadRequest);
            var from = path == "/api/v1/tags/analytics"
                ? (await (await Client(owner).GetAsync($"{path}?weeks=52")).ShouldBeAsync<TagAnalyticsDto>(HttpStatusCode.OK)).From
                : (await (await Client(owner).GetAsync($"{path}?weeks=52")).ShouldBeAsync<DashboardAnalyticsDto>(HttpStatusCode.OK)).From;
            from.ShouldBe(new DateOnly(2025, 12, 1));
        }
    }

    private static DateTime Utc(int year, int month, int day, int hour, int minute) => new(year, month, day, hour, minute, 0, DateTimeKind.Utc);

    private HttpClient Client(Session owner)
    {
        var token = _host.Services.GetRequiredService<TokenService>().CreateAccessToken(owner.UserId, Role.Owner, owner.PracticeId, Guid.NewGuid());
        var client = _host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task<DashboardAnalyticsDto> AnalyticsAsync(Session owner, string query = "") =>
        await (await Client(owner).GetAsync("/api/v1/dashboard/analytics" + query)).ShouldBeAsync<DashboardAnalyticsDto>(HttpStatusCode.OK);
}
