using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Scans;
using Shouldly;

namespace OrthoScan.Api.Tests.Tagging;

[Collection(ApiCollection.Name)]
public sealed class TagSessionTests(ApiFactory api)
{
    private static object Tags(string action = "approve_progression", string version = "2026.1", int tracking = 1, int? fit = 1, int hygiene = 2,
        object[]? detailTags = null, int? holdDays = null) =>
        new { taxonomyVersion = version, overallTracking = tracking, alignerFit = fit, oralHygiene = hygiene, detailTags = detailTags ?? [], action, holdDays, notes = "ok" };

    private async Task<(Session Owner, PatientApp App, string SessionId)> ReadyScanAsync(string lastName = "Tagged")
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner, lastName);
        var session = await api.SendScanAsync(app);
        session["status"]!.GetValue<string>().ShouldBe("ready");
        return (owner, app, session["id"]!.GetValue<string>());
    }

    private Task<HttpResponseMessage> TagAsync(Session doctor, string sessionId, object body) =>
        api.As(doctor).PostAsJsonAsync($"/api/v1/scans/sessions/{sessionId}/tags", body);

    [Fact]
    public async Task The_taxonomy_lists_the_versioned_scores_and_detail_tags()
    {
        var owner = await api.RegisterPracticeAsync();
        var taxonomy = await (await api.As(owner).GetAsync("/api/v1/tags/taxonomy")).ShouldBeAsync(HttpStatusCode.OK);
        taxonomy["version"]!.GetValue<string>().ShouldBe("2026.1");
        taxonomy["detailTags"]!.AsArray().Select(t => t!["code"]!.GetValue<string>()).ShouldContain("attachment_lost");
        taxonomy["scores"]!.AsArray().Select(s => s!["attribute"]!.GetValue<string>()).ShouldBe(["overall_tracking", "aligner_fit", "oral_hygiene"]);
    }

    [Fact]
    public async Task Approving_moves_the_patient_to_the_next_aligner_clears_the_feed_and_tells_the_patient()
    {
        var (owner, app, sessionId) = await ReadyScanAsync();
        var before = await (await api.As(owner).GetAsync($"/api/v1/patients/{app.PatientId}")).ShouldBeAsync(HttpStatusCode.OK);

        var tagged = await (await TagAsync(owner, sessionId, Tags(detailTags: [new { code = "attachment_lost", location = "21" }])))
            .ShouldBeAsync(HttpStatusCode.Created);

        tagged["sessionStatus"]!.GetValue<string>().ShouldBe("reviewed");
        tagged["patientCurrentStage"]!.GetValue<int>().ShouldBe(before["currentStage"]!.GetValue<int>() + 1);
        var feed = await (await api.As(owner).GetAsync("/api/v1/dashboard/feed")).ShouldBeAsync(HttpStatusCode.OK);
        feed["items"]!.AsArray().ShouldBeEmpty();
        var seenByApp = await (await api.As(app.AccessToken).GetAsync($"/api/v1/scans/sessions/{sessionId}")).ShouldBeAsync(HttpStatusCode.OK);
        seenByApp["patientFeedback"]!.GetValue<string>().ShouldBe($"Très bon suivi ! Passez à la gouttière {before["currentStage"]!.GetValue<int>() + 1}.");
    }

    [Fact]
    public async Task Approving_never_moves_past_the_last_aligner()
    {
        var (owner, app, sessionId) = await ReadyScanAsync();
        await (await api.As(owner).PatchAsJsonAsync($"/api/v1/patients/{app.PatientId}", new { currentStage = 20, totalStages = 20 })).ShouldBeAsync(HttpStatusCode.OK);

        var tagged = await (await TagAsync(owner, sessionId, Tags())).ShouldBeAsync(HttpStatusCode.Created);
        tagged["patientCurrentStage"]!.GetValue<int>().ShouldBe(20);
    }

    [Fact]
    public async Task Holding_needs_a_number_of_days_and_keeps_the_stage()
    {
        var (owner, app, sessionId) = await ReadyScanAsync();
        var problem = await (await TagAsync(owner, sessionId, Tags(action: "hold_aligner"))).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        problem["errors"]!["holdDays"].ShouldNotBeNull();

        var tagged = await (await TagAsync(owner, sessionId, Tags(action: "hold_aligner", holdDays: 3))).ShouldBeAsync(HttpStatusCode.Created);
        tagged["patientFeedback"]!.GetValue<string>().ShouldContain("3");
    }

    [Fact]
    public async Task Tags_outside_the_taxonomy_are_refused_field_by_field_and_change_nothing()
    {
        var (owner, _, sessionId) = await ReadyScanAsync();
        var problem = await (await TagAsync(owner, sessionId, Tags(version: "1999.1", tracking: 4, fit: 0, hygiene: 9,
                detailTags: [new { code = "made_up" }, new { code = "plaque", location = "99" }])))
            .ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        var errors = problem["errors"]!.AsObject().Select(e => e.Key).ToList();
        errors.ShouldBe(["taxonomyVersion", "overallTracking", "alignerFit", "oralHygiene", "detailTags[0].code", "detailTags[1].location"], ignoreOrder: true);

        var feed = await (await api.As(owner).GetAsync("/api/v1/dashboard/feed")).ShouldBeAsync(HttpStatusCode.OK);
        feed["items"]!.AsArray().Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_second_doctors_review_is_kept_beside_the_first_and_nobody_tags_twice()
    {
        var (owner, _, sessionId) = await ReadyScanAsync();
        var doctor = await api.AddMemberAsync(owner, "doctor");

        await (await TagAsync(owner, sessionId, Tags(tracking: 1))).ShouldBeAsync(HttpStatusCode.Created);
        var second = await (await TagAsync(doctor, sessionId, Tags(tracking: 2, action: "message"))).ShouldBeAsync(HttpStatusCode.Created);
        second["sessionStatus"]!.GetValue<string>().ShouldBe("reviewed");
        await (await TagAsync(owner, sessionId, Tags())).ShouldBeProblemAsync(HttpStatusCode.Conflict, "already-tagged");

        await using var db = await Sql.OpenAsync(api.AppConnectionString, owner.PracticeId);
        var trackings = await db.ColumnAsync($"SELECT overall_tracking::text FROM tag_sets WHERE session_id = '{sessionId}' ORDER BY overall_tracking");
        trackings.ShouldBe(["1", "2"]);
    }

    [Fact]
    public async Task Staff_may_not_tag_and_another_practice_gets_404()
    {
        var (owner, _, sessionId) = await ReadyScanAsync();
        var staff = await api.AddMemberAsync(owner, "staff");
        var other = await api.RegisterPracticeAsync();

        await (await TagAsync(staff, sessionId, Tags())).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await TagAsync(other, sessionId, Tags())).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_scan_still_waiting_for_photos_cannot_be_tagged()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner);
        var session = await (await api.CreateSessionAsync(app, Guid.NewGuid().ToString())).ShouldBeAsync(HttpStatusCode.Created);
        await (await TagAsync(owner, session["id"]!.GetValue<string>(), Tags())).ShouldBeProblemAsync(HttpStatusCode.Conflict, "session-not-ready");
    }
}
