using System.Net;
using System.Net.Http.Json;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Scans;
using Shouldly;

namespace OrthoScan.Api.Tests.Tagging;

/// <summary>
/// A treatment stage moves at most once per scan, whoever approves it and however many doctors tag it; approvals of
/// different scans of one patient all count, even at the same moment.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class StageOnceTests(ApiFactory api)
{
    private static readonly object Approve = new
    {
        taxonomyVersion = "2026.1", overallTracking = 1, alignerFit = 1, oralHygiene = 1, detailTags = Array.Empty<object>(),
        action = "approve_progression", holdDays = (int?)null, notes = (string?)null,
    };

    [Fact]
    public async Task A_second_doctors_approval_is_recorded_without_moving_the_stage_or_the_feedback()
    {
        var owner = await api.RegisterPracticeAsync();
        var doctor = await api.AddMemberAsync(owner, "doctor");
        var app = await api.PatientAppAsync(owner, "Twice");
        var sessionId = (await api.SendScanAndWaitAsync(app)).Id;

        var first = await (await TagAsync(owner, sessionId)).ShouldBeAsync<TagSetDto>(HttpStatusCode.Created);
        var second = await (await TagAsync(doctor, sessionId)).ShouldBeAsync<TagSetDto>(HttpStatusCode.Created);

        first.PatientCurrentStage.ShouldBe(3);
        second.PatientCurrentStage.ShouldBe(3);
        second.PatientFeedback.ShouldBe(first.PatientFeedback);
        (await StageAsync(owner, app)).ShouldBe(3);
        var seenByPatient = await (await api.As(app.AccessToken).GetAsync($"/api/v1/scans/sessions/{sessionId}")).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.OK);
        seenByPatient.PatientFeedback.ShouldBe("Très bon suivi ! Passez à la gouttière 3.");
        await using var db = await Sql.OpenAsync(api.AppConnectionString, owner.PracticeId);
        (await db.ColumnAsync($"SELECT stage_after::text FROM tag_sets WHERE session_id = '{sessionId}'")).ShouldBe(["3", "3"]);
    }

    [Fact]
    public async Task Two_doctors_approving_one_scan_at_the_same_moment_move_the_stage_once()
    {
        var owner = await api.RegisterPracticeAsync();
        var doctors = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => api.AddMemberAsync(owner, "doctor")));
        var app = await api.PatientAppAsync(owner, "Raced");
        var sessionId = (await api.SendScanAndWaitAsync(app)).Id;

        var responses = await Task.WhenAll(doctors.Select(d => TagAsync(d, sessionId)));

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.Created);
        (await StageAsync(owner, app)).ShouldBe(3);
        await using var db = await Sql.OpenAsync(api.AppConnectionString, owner.PracticeId);
        (await db.ScalarAsync<long>($"SELECT count(*) FROM tag_sets WHERE session_id = '{sessionId}'")).ShouldBe(4);
        (await db.ScalarAsync<long>("SELECT count(*) FROM jobs WHERE kind = 'patient_feedback.deliver' AND payload->>'sessionId' = @s", ("s", (object)sessionId.ToString())))
            .ShouldBe(1);
    }

    [Fact]
    public async Task Approvals_of_two_scans_of_one_patient_at_the_same_moment_both_count()
    {
        var owner = await api.RegisterPracticeAsync();
        var doctor = await api.AddMemberAsync(owner, "doctor");
        var app = await api.PatientAppAsync(owner, "Both");
        var first = (await api.SendScanAndWaitAsync(app)).Id;
        var second = (await api.SendScanAndWaitAsync(app)).Id;

        var responses = await Task.WhenAll(TagAsync(owner, first), TagAsync(doctor, second));

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.Created);
        (await StageAsync(owner, app)).ShouldBe(4);
    }

    [Fact]
    public async Task The_same_doctor_sending_one_review_twice_at_once_gets_one_tag_set_and_a_conflict()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner, "Double");
        var sessionId = (await api.SendScanAndWaitAsync(app)).Id;

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => TagAsync(owner, sessionId)));

        responses.Count(r => r.StatusCode == HttpStatusCode.Created).ShouldBe(1);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
            await refused.ShouldFailAsync(HttpStatusCode.Conflict, "already-tagged");
        (await StageAsync(owner, app)).ShouldBe(3);
    }

    private Task<HttpResponseMessage> TagAsync(Session doctor, Guid sessionId) =>
        api.As(doctor).PostAsJsonAsync($"/api/v1/scans/sessions/{sessionId}/tags", Approve);

    private async Task<int> StageAsync(Session owner, PatientApp app) =>
        (await (await api.As(owner).GetAsync($"/api/v1/patients/{app.PatientId}")).ShouldBeAsync<PatientDto>(HttpStatusCode.OK)).CurrentStage;
}
