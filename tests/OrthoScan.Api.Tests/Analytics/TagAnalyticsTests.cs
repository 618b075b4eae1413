using System.Net;
using System.Net.Http.Json;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Scans;
using Shouldly;

namespace OrthoScan.Api.Tests.Analytics;

/// <summary>GET /tags/analytics with tag sets written through the real tagging endpoint.</summary>
[Collection(ApiCollection.Name)]
public sealed class TagAnalyticsTests(ApiFactory api)
{
    private static object Tags(int tracking, int? fit, int hygiene, string action = "approve_progression", object[]? detailTags = null, int? holdDays = null) =>
        new { taxonomyVersion = "2026.1", overallTracking = tracking, alignerFit = fit, oralHygiene = hygiene, detailTags = detailTags ?? [], action, holdDays, notes = (string?)null };

    private async Task TagAsync(Session doctor, Guid sessionId, object body) =>
        await (await api.As(doctor).PostAsJsonAsync($"/api/v1/scans/sessions/{sessionId}/tags", body)).ShouldBeAsync<TagSetDto>(HttpStatusCode.Created);

    private async Task<TagAnalyticsDto> TagAnalyticsAsync(Session user) =>
        await (await api.As(user).GetAsync("/api/v1/tags/analytics")).ShouldBeAsync<TagAnalyticsDto>(HttpStatusCode.OK);

    private async Task<List<Guid>> ReadyScansAsync(Session owner, int count)
    {
        var patient = await api.PatientAsync(owner);
        var scans = new List<Guid>();
        for (var i = 0; i < count; i++) scans.Add(await api.SessionAsync(owner, patient, "ready", DateTime.UtcNow.AddHours(-1).AddMinutes(i)));
        return scans;
    }

    private static AgreementDto Agreement(TagAnalyticsDto body, string attribute) => body.Agreement.Single(a => a.Attribute == attribute);

    [Fact]
    public async Task Two_doctors_tagging_the_same_scans_give_the_expected_kappa_per_attribute()
    {
        var owner = await api.RegisterPracticeAsync();
        var first = await api.AddMemberAsync(owner, "doctor");
        var second = await api.AddMemberAsync(owner, "doctor");
        var scans = await ReadyScansAsync(owner, 11);

        // overall_tracking: 7 of 10 agree; first 1×3, 2×4, 3×3; second 1×2, 2×5, 3×3: pₑ = 0.35, κ = 0.35 / 0.65 = 0.5385.
        // aligner_fit: 8 of 10 agree; first n/a×2, 1×3, 2×3, 3×2; second n/a×3, 1×2, 2×4, 3×1: pₑ = 0.26, κ = 0.54 / 0.74 = 0.7297.
        // oral_hygiene: everybody says 2, so chance agreement is 1 and kappa is undefined.
        (int Tracking, int? Fit)[] firstTags = [(1, null), (1, null), (2, 1), (2, 1), (2, 1), (3, 2), (3, 2), (1, 2), (2, 3), (3, 3)];
        (int Tracking, int? Fit)[] secondTags = [(1, null), (1, null), (2, 1), (2, 1), (2, null), (3, 2), (3, 2), (2, 2), (3, 3), (2, 2)];
        for (var i = 0; i < 10; i++)
        {
            await TagAsync(first, scans[i], Tags(firstTags[i].Tracking, firstTags[i].Fit, 2));
            await TagAsync(second, scans[i], Tags(secondTags[i].Tracking, secondTags[i].Fit, 2, action: "message"));
        }
        // A third review never enters the pairs, nor does a scan only one doctor reviewed.
        await TagAsync(owner, scans[0], Tags(3, 3, 3, action: "hold_aligner", holdDays: 2));
        await TagAsync(first, scans[10], Tags(3, 3, 3));

        var body = await TagAnalyticsAsync(first);

        body.TagSets.ShouldBe(22);
        var tracking = Agreement(body, "overall_tracking");
        tracking.Pairs.ShouldBe(10);
        tracking.ObservedAgreement.ShouldBe(0.7);
        tracking.Kappa.ShouldBe(0.5385);
        var fit = Agreement(body, "aligner_fit");
        fit.Pairs.ShouldBe(10);
        fit.ObservedAgreement.ShouldBe(0.8);
        fit.Kappa.ShouldBe(0.7297);
        var hygiene = Agreement(body, "oral_hygiene");
        hygiene.ObservedAgreement.ShouldBe(1.0);
        hygiene.Kappa.ShouldBeNull();
        body.Agreement.Select(a => a.Attribute).ShouldBe(["overall_tracking", "aligner_fit", "oral_hygiene"]);

        body.Actions.Select(a => (a.Action, a.Count))
            .ShouldBe([(ReviewAction.ApproveProgression, 11), (ReviewAction.Message, 10), (ReviewAction.HoldAligner, 1), (ReviewAction.ScheduleAppointment, 0)]);
    }

    [Fact]
    public async Task Detail_tags_are_counted_per_finding_most_frequent_first()
    {
        var owner = await api.RegisterPracticeAsync();
        var doctor = await api.AddMemberAsync(owner, "doctor");
        var scans = await ReadyScansAsync(owner, 2);

        await TagAsync(owner, scans[0], Tags(2, 2, 2, detailTags: [new { code = "plaque", location = "11" }, new { code = "plaque", location = "21" }, new { code = "calculus" }]));
        await TagAsync(doctor, scans[0], Tags(2, 2, 2, detailTags: [new { code = "plaque" }]));
        await TagAsync(owner, scans[1], Tags(2, 2, 2, detailTags: [new { code = "attachment_lost", location = "upper_anterior" }, new { code = "calculus" }]));

        var body = await TagAnalyticsAsync(doctor);

        body.DetailTags.Select(t => (t.Code, t.Count)).ShouldBe([("plaque", 3), ("calculus", 2), ("attachment_lost", 1)]);
        var pairs = Agreement(body, "overall_tracking");
        pairs.Pairs.ShouldBe(1);
        pairs.Kappa.ShouldBeNull("one pair is too few for kappa");
    }

    [Fact]
    public async Task Another_practice_s_reviews_never_appear()
    {
        var ours = await api.RegisterPracticeAsync("Ours");
        var theirs = await api.RegisterPracticeAsync("Theirs");
        var theirDoctor = await api.AddMemberAsync(theirs, "doctor");
        var ourScans = await ReadyScansAsync(ours, 1);
        var theirScans = await ReadyScansAsync(theirs, 2);
        await TagAsync(ours, ourScans[0], Tags(1, 1, 1, detailTags: [new { code = "poor_photo" }]));
        foreach (var scan in theirScans)
        {
            await TagAsync(theirs, scan, Tags(3, 3, 3, action: "schedule_appointment", detailTags: [new { code = "plaque" }]));
            await TagAsync(theirDoctor, scan, Tags(3, 2, 3, action: "schedule_appointment"));
        }

        var body = await TagAnalyticsAsync(ours);

        body.TagSets.ShouldBe(1);
        body.DetailTags.Select(t => t.Code).ShouldBe(["poor_photo"]);
        body.Actions.Single(a => a.Action == ReviewAction.ScheduleAppointment).Count.ShouldBe(0);
        body.Agreement.ShouldAllBe(a => a.Pairs == 0 && a.Kappa == null);

        (await TagAnalyticsAsync(theirs)).TagSets.ShouldBe(4);
    }

    [Fact]
    public async Task Doctors_and_owners_see_tag_analytics_staff_see_only_the_dashboard_patients_neither()
    {
        var owner = await api.RegisterPracticeAsync();
        var staff = await api.AddMemberAsync(owner, "staff");
        var doctor = await api.AddMemberAsync(owner, "doctor");
        var app = await api.PatientAppAsync(owner, "Curious");

        await (await api.As(staff).GetAsync("/api/v1/tags/analytics")).ShouldFailAsync(HttpStatusCode.Forbidden);
        await (await api.As(app.AccessToken).GetAsync("/api/v1/tags/analytics")).ShouldFailAsync(HttpStatusCode.Forbidden);
        await (await api.As(app.AccessToken).GetAsync("/api/v1/dashboard/analytics")).ShouldFailAsync(HttpStatusCode.Forbidden);
        await (await api.As((string?)null).GetAsync("/api/v1/dashboard/analytics")).ShouldFailAsync(HttpStatusCode.Unauthorized);
        await (await api.As(staff).GetAsync("/api/v1/dashboard/analytics")).ShouldBeAsync<DashboardAnalyticsDto>(HttpStatusCode.OK);
        await TagAnalyticsAsync(doctor);
        await TagAnalyticsAsync(owner);
    }
}
