using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Scans;

/// <summary>The patient detail's scan timeline: each scan with the outcome of its first review.</summary>
[Collection(ApiCollection.Name)]
public sealed class TimelineTests(ApiFactory api)
{
    private static object Tags(int tracking, string action, int? holdDays = null, object[]? detailTags = null) =>
        new { taxonomyVersion = "2026.1", overallTracking = tracking, alignerFit = (int?)null, oralHygiene = 3, detailTags = detailTags ?? [], action, holdDays };

    private async Task<JsonNode> TimelineAsync(Session who, Guid patientId) =>
        await (await api.As(who).GetAsync($"/api/v1/patients/{patientId}/sessions")).ShouldBeAsync(HttpStatusCode.OK);

    [Fact]
    public async Task A_reviewed_scan_shows_the_first_reviewers_outcome_and_an_unreviewed_one_shows_none()
    {
        var owner = await api.RegisterPracticeAsync();
        var doctor = await api.AddMemberAsync(owner, "doctor");
        var staff = await api.AddMemberAsync(owner, "staff");
        var app = await api.PatientAppAsync(owner, "Timeline");
        var reviewed = (await api.SendScanAsync(app))["id"]!.GetValue<string>();
        var waiting = (await api.SendScanAsync(app))["id"]!.GetValue<string>();

        await (await api.As(owner).PostAsJsonAsync($"/api/v1/scans/sessions/{reviewed}/tags",
                Tags(2, "hold_aligner", holdDays: 3, detailTags: [new { code = "plaque" }, new { code = "attachment_lost", location = "21" }])))
            .ShouldBeAsync(HttpStatusCode.Created);
        // A second opinion is kept for agreement statistics; the timeline keeps showing what the patient was told.
        await (await api.As(doctor).PostAsJsonAsync($"/api/v1/scans/sessions/{reviewed}/tags", Tags(3, "approve_progression")))
            .ShouldBeAsync(HttpStatusCode.Created);

        var items = (await TimelineAsync(staff, app.PatientId))["items"]!.AsArray();
        items.Select(i => i!["id"]!.GetValue<string>()).ShouldBe([waiting, reviewed]);
        items[0]!["outcome"].ShouldBeNull();
        items[0]!["status"]!.GetValue<string>().ShouldBe("ready");
        items[0]!["images"]!.AsArray().Count.ShouldBe(ScanFlow.Views.Length);

        var outcome = items[1]!["outcome"]!;
        outcome["overallTracking"]!.GetValue<int>().ShouldBe(2);
        outcome["alignerFit"].ShouldBeNull();
        outcome["oralHygiene"]!.GetValue<int>().ShouldBe(3);
        outcome["action"]!.GetValue<string>().ShouldBe("hold_aligner");
        outcome["holdDays"]!.GetValue<int>().ShouldBe(3);
        outcome["reviewerName"]!.GetValue<string>().ShouldBe("Dr. Test Owner");
        outcome["detailTags"]!.AsArray().Select(t => t!.GetValue<string>()).ShouldBe(["plaque", "attachment_lost"]);
        DateTime.Parse(outcome["reviewedAt"]!.GetValue<string>()).ShouldBeGreaterThan(DateTime.UtcNow.AddMinutes(-5));
        items[1]!["status"]!.GetValue<string>().ShouldBe("reviewed");
        items[1]!["patientFeedback"]!.GetValue<string>().ShouldContain("3");
    }

    [Fact]
    public async Task An_approval_records_the_aligner_the_patient_moved_to_not_one_guessed_from_the_scan()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner, "Moved");
        var scan = await api.SendScanAsync(app);
        // The practice corrected the stage after the scan was taken: the scan says one aligner, the record another.
        await (await api.As(owner).PatchAsJsonAsync($"/api/v1/patients/{app.PatientId}", new { currentStage = 7, totalStages = 20 }))
            .ShouldBeAsync(HttpStatusCode.OK);
        scan["alignerNumber"]!.GetValue<int>().ShouldNotBe(7);

        await (await api.As(owner).PostAsJsonAsync($"/api/v1/scans/sessions/{scan["id"]}/tags", Tags(1, "approve_progression")))
            .ShouldBeAsync(HttpStatusCode.Created);

        var outcome = (await TimelineAsync(owner, app.PatientId))["items"]![0]!["outcome"]!;
        outcome["stageAfter"]!.GetValue<int>().ShouldBe(8);
    }

    [Fact]
    public async Task Another_practice_cannot_read_the_timeline()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner, "Private");
        var other = await api.RegisterPracticeAsync();

        await (await api.As(other).GetAsync($"/api/v1/patients/{app.PatientId}/sessions")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        (await TimelineAsync(owner, app.PatientId))["items"]!.AsArray().ShouldBeEmpty();
    }
}
