using System.Net;
using System.Net.Http.Json;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Scans;

/// <summary>The patient detail's scan timeline: each scan with the outcome of its first review.</summary>
[Collection(ApiCollection.Name)]
public sealed class TimelineTests(ApiFactory api)
{
    private static object Tags(int tracking, string action, int? holdDays = null, object[]? detailTags = null) =>
        new { taxonomyVersion = "2026.1", overallTracking = tracking, alignerFit = (int?)null, oralHygiene = 3, detailTags = detailTags ?? [], action, holdDays };

    private async Task<PageDto<TimelineItemDto>> TimelineAsync(Session who, Guid patientId) =>
        await (await api.As(who).GetAsync($"/api/v1/patients/{patientId}/sessions")).ShouldBeAsync<PageDto<TimelineItemDto>>(HttpStatusCode.OK);

    [Fact]
    public async Task A_reviewed_scan_shows_the_first_reviewers_outcome_and_an_unreviewed_one_shows_none()
    {
        var owner = await api.RegisterPracticeAsync();
        var doctor = await api.AddMemberAsync(owner, "doctor");
        var staff = await api.AddMemberAsync(owner, "staff");
        var app = await api.PatientAppAsync(owner, "Timeline");
        var reviewed = (await api.SendScanAndWaitAsync(app)).Id;
        var waiting = (await api.SendScanAndWaitAsync(app)).Id;

        await (await api.As(owner).PostAsJsonAsync($"/api/v1/scans/sessions/{reviewed}/tags",
                Tags(2, "hold_aligner", holdDays: 3, detailTags: [new { code = "plaque" }, new { code = "attachment_lost", location = "21" }])))
            .ShouldBeAsync<TagSetDto>(HttpStatusCode.Created);
        // A second opinion is kept for agreement statistics; the timeline keeps showing what the patient was told.
        await (await api.As(doctor).PostAsJsonAsync($"/api/v1/scans/sessions/{reviewed}/tags", Tags(3, "approve_progression")))
            .ShouldBeAsync<TagSetDto>(HttpStatusCode.Created);

        var items = (await TimelineAsync(staff, app.PatientId)).Items;
        items.Select(i => i.Id).ShouldBe([waiting, reviewed]);
        items[0].Outcome.ShouldBeNull();
        items[0].Status.ShouldBe(ScanSessionStatus.Ready);
        items[0].Images.Count.ShouldBe(ScanFlow.Views.Length);

        var outcome = items[1].Outcome.ShouldNotBeNull();
        outcome.OverallTracking.ShouldBe(2);
        outcome.AlignerFit.ShouldBeNull();
        outcome.OralHygiene.ShouldBe(3);
        outcome.Action.ShouldBe(ReviewAction.HoldAligner);
        outcome.HoldDays.ShouldBe(3);
        outcome.ReviewerName.ShouldBe("Dr. Test Owner");
        outcome.DetailTags.ShouldBe(["plaque", "attachment_lost"]);
        outcome.ReviewedAt.ShouldBeGreaterThan(DateTime.UtcNow.AddMinutes(-5));
        items[1].Status.ShouldBe(ScanSessionStatus.Reviewed);
        items[1].PatientFeedback.ShouldNotBeNull().ShouldContain("3");
    }

    [Fact]
    public async Task An_approval_records_the_aligner_the_patient_moved_to_not_one_guessed_from_the_scan()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner, "Moved");
        var scan = await api.SendScanAndWaitAsync(app);
        // The practice corrected the stage after the scan was taken: the scan says one aligner, the record another.
        await (await api.As(owner).PatchAsJsonAsync($"/api/v1/patients/{app.PatientId}", new { currentStage = 7, totalStages = 20 }))
            .ShouldBeAsync<PatientDto>(HttpStatusCode.OK);
        scan.AlignerNumber.ShouldNotBe(7);

        await (await api.As(owner).PostAsJsonAsync($"/api/v1/scans/sessions/{scan.Id}/tags", Tags(1, "approve_progression")))
            .ShouldBeAsync<TagSetDto>(HttpStatusCode.Created);

        var outcome = (await TimelineAsync(owner, app.PatientId)).Items[0].Outcome.ShouldNotBeNull();
        outcome.StageAfter.ShouldBe(8);
    }

    [Fact]
    public async Task Another_practice_cannot_read_the_timeline()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner, "Private");
        var other = await api.RegisterPracticeAsync();

        await (await api.As(other).GetAsync($"/api/v1/patients/{app.PatientId}/sessions")).ShouldFailAsync(HttpStatusCode.NotFound);
        (await TimelineAsync(owner, app.PatientId)).Items.ShouldBeEmpty();
    }
}
