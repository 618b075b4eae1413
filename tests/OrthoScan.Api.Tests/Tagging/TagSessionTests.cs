using System.Net;
using System.Net.Http.Json;
using OrthoScan.Api.Tests.Contract;
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

    private async Task<(Session Owner, PatientApp App, Guid SessionId)> ReadyScanAsync(string lastName = "Tagged")
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner, lastName);
        var session = await api.SendScanAndWaitAsync(app);
        session.Status.ShouldBe(ScanSessionStatus.Ready);
        return (owner, app, session.Id);
    }

    private Task<HttpResponseMessage> TagAsync(Session doctor, Guid sessionId, object body) =>
        api.As(doctor).PostAsJsonAsync($"/api/v1/scans/sessions/{sessionId}/tags", body);

    [Fact]
    public async Task The_taxonomy_lists_the_versioned_scores_and_detail_tags()
    {
        var owner = await api.RegisterPracticeAsync();
        var taxonomy = await (await api.As(owner).GetAsync("/api/v1/tags/taxonomy")).ShouldBeAsync<TaxonomyDto>(HttpStatusCode.OK);
        taxonomy.Version.ShouldBe("2026.1");
        taxonomy.DetailTags.Select(t => t.Code).ShouldContain("attachment_lost");
        taxonomy.Scores.Select(s => s.Attribute).ShouldBe(["overall_tracking", "aligner_fit", "oral_hygiene"]);
    }

    [Fact]
    public async Task Approving_moves_the_patient_to_the_next_aligner_clears_the_feed_and_tells_the_patient()
    {
        var (owner, app, sessionId) = await ReadyScanAsync();
        var before = await (await api.As(owner).GetAsync($"/api/v1/patients/{app.PatientId}")).ShouldBeAsync<PatientDto>(HttpStatusCode.OK);

        var tagged = await (await TagAsync(owner, sessionId, Tags(detailTags: [new { code = "attachment_lost", location = "21" }])))
            .ShouldBeAsync<TagSetDto>(HttpStatusCode.Created);

        tagged.SessionStatus.ShouldBe(ScanSessionStatus.Reviewed);
        tagged.PatientCurrentStage.ShouldBe(before.CurrentStage + 1);
        var feed = await (await api.As(owner).GetAsync("/api/v1/dashboard/feed")).ShouldBeAsync<PageDto<ReviewFeedItemDto>>(HttpStatusCode.OK);
        feed.Items.ShouldBeEmpty();
        var seenByApp = await (await api.As(app.AccessToken).GetAsync($"/api/v1/scans/sessions/{sessionId}")).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.OK);
        seenByApp.PatientFeedback.ShouldBe($"Très bon suivi ! Passez à la gouttière {before.CurrentStage + 1}.");
    }

    [Fact]
    public async Task Approving_never_moves_past_the_last_aligner()
    {
        var (owner, app, sessionId) = await ReadyScanAsync();
        await (await api.As(owner).PatchAsJsonAsync($"/api/v1/patients/{app.PatientId}", new { currentStage = 20, totalStages = 20 })).ShouldBeAsync<PatientDto>(HttpStatusCode.OK);

        var tagged = await (await TagAsync(owner, sessionId, Tags())).ShouldBeAsync<TagSetDto>(HttpStatusCode.Created);
        tagged.PatientCurrentStage.ShouldBe(20);
    }

    [Fact]
    public async Task Holding_needs_a_number_of_days_and_keeps_the_stage()
    {
        var (owner, app, sessionId) = await ReadyScanAsync();
        var problem = await (await TagAsync(owner, sessionId, Tags(action: "hold_aligner"))).ShouldFailAsync(HttpStatusCode.UnprocessableEntity);
        problem.Errors.ShouldNotBeNull().ShouldContainKey("holdDays");

        var tagged = await (await TagAsync(owner, sessionId, Tags(action: "hold_aligner", holdDays: 3))).ShouldBeAsync<TagSetDto>(HttpStatusCode.Created);
        tagged.PatientFeedback.ShouldContain("3");
    }

    [Fact]
    public async Task Tags_outside_the_taxonomy_are_refused_field_by_field_and_change_nothing()
    {
        var (owner, _, sessionId) = await ReadyScanAsync();
        var problem = await (await TagAsync(owner, sessionId, Tags(version: "1999.1", tracking: 4, fit: 0, hygiene: 9,
                detailTags: [new { code = "made_up" }, new { code = "plaque", location = "99" }])))
            .ShouldFailAsync(HttpStatusCode.UnprocessableEntity);
        var errors = problem.Errors.ShouldNotBeNull().Keys.ToList();
        errors.ShouldBe(["taxonomyVersion", "overallTracking", "alignerFit", "oralHygiene", "detailTags[0].code", "detailTags[1].location"], ignoreOrder: true);

        var feed = await (await api.As(owner).GetAsync("/api/v1/dashboard/feed")).ShouldBeAsync<PageDto<ReviewFeedItemDto>>(HttpStatusCode.OK);
        feed.Items.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_second_doctors_review_is_kept_beside_the_first_and_nobody_tags_twice()
    {
        var (owner, _, sessionId) = await ReadyScanAsync();
        var doctor = await api.AddMemberAsync(owner, "doctor");

        await (await TagAsync(owner, sessionId, Tags(tracking: 1))).ShouldBeAsync<TagSetDto>(HttpStatusCode.Created);
        var second = await (await TagAsync(doctor, sessionId, Tags(tracking: 2, action: "message"))).ShouldBeAsync<TagSetDto>(HttpStatusCode.Created);
        second.SessionStatus.ShouldBe(ScanSessionStatus.Reviewed);
        await (await TagAsync(owner, sessionId, Tags())).ShouldFailAsync(HttpStatusCode.Conflict, "already-tagged");

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

        await (await TagAsync(staff, sessionId, Tags())).ShouldFailAsync(HttpStatusCode.Forbidden);
        await (await TagAsync(other, sessionId, Tags())).ShouldFailAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_scan_still_waiting_for_photos_cannot_be_tagged()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner);
        var session = await (await api.CreateSessionAsync(app, Guid.NewGuid().ToString())).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.Created);
        await (await TagAsync(owner, session.Id, Tags())).ShouldFailAsync(HttpStatusCode.Conflict, "session-not-ready");
    }
}
