using System.Net;
using System.Net.Http.Json;
using OrthoScan.Api.Tests.Analytics;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.PlatformUsers;
using Shouldly;

namespace OrthoScan.Api.Tests.Ai;

/// <summary>
/// GET /dashboard/ai-acceptance from reviews made through the API on scans with model runs: per attribute, per model
/// version, per doctor, and the suggested-vs-final confusion; only the caller's practice, only owners and doctors.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AiAcceptanceReportTests(ApiFactory api)
{
    private async Task RunAsync(Guid practiceId, Guid sessionId, string model, string version, params (string Attribute, string Value, float Confidence)[] rows)
    {
        await using var db = await Sql.OpenAsync(api.AppConnectionString, practiceId);
        var at = DateTime.UtcNow.AddMinutes(-30);
        foreach (var (attribute, value, confidence) in rows)
            await db.ExecuteAsync("""
                INSERT INTO ai_suggestions (id, practice_id, session_id, model_name, model_version, attribute, value, confidence, created_at)
                VALUES (gen_random_uuid(), @practice, @session, @model, @version, @attribute, @value, @confidence, @created)
                """,
                ("practice", practiceId), ("session", sessionId), ("model", model), ("version", version), ("attribute", attribute),
                ("value", value), ("confidence", confidence), ("created", at));
    }

    private async Task TagAsync(Session doctor, Guid sessionId, int tracking, int? fit, int hygiene, params string[] detailTags) =>
        await (await api.As(doctor).PostAsJsonAsync($"/api/v1/scans/sessions/{sessionId}/tags", new
        {
            taxonomyVersion = "2026.1", overallTracking = tracking, alignerFit = fit, oralHygiene = hygiene,
            detailTags = detailTags.Select(code => new { code }).ToArray(), action = "approve_progression",
        })).ShouldBeAsync<TagSetDto>(HttpStatusCode.Created);

    [Fact]
    public async Task Acceptance_per_attribute_model_and_doctor_and_the_confusion_count_what_the_doctors_kept()
    {
        var owner = await api.RegisterPracticeAsync();
        var doctor = await api.AddMemberAsync(owner, "doctor");
        var other = await api.RegisterPracticeAsync("Other");
        var patient = await api.PatientAsync(owner);
        var submitted = DateTime.UtcNow.AddHours(-1);
        var first = await api.SessionAsync(owner, patient, "ready", submitted);
        var second = await api.SessionAsync(owner, patient, "ready", submitted);
        var third = await api.SessionAsync(owner, patient, "ready", submitted);
        var unsuggested = await api.SessionAsync(owner, patient, "ready", submitted);
        await RunAsync(owner.PracticeId, first, "orthoscan-mlnet", "1", ("overall_tracking", "2", 0.9f), ("aligner_fit", "1", 0.8f), ("oral_hygiene", "2", 0.7f), ("detail_tag", "plaque", 0.6f));
        await RunAsync(owner.PracticeId, second, "gpt-4o", "2024-11-20", ("overall_tracking", "3", 0.9f), ("aligner_fit", "not_applicable", 0.8f));
        await RunAsync(owner.PracticeId, third, "gpt-4o", "2024-11-20", ("overall_tracking", "1", 0.5f));
        var theirs = await api.SessionAsync(other, await api.PatientAsync(other), "ready", submitted);
        await RunAsync(other.PracticeId, theirs, "orthoscan-mlnet", "1", ("overall_tracking", "1", 0.5f), ("oral_hygiene", "1", 0.5f));

        await TagAsync(owner, first, 2, 1, 3, "plaque");   // kept tracking, fit and tags; hygiene 2 -> 3
        await TagAsync(doctor, second, 3, null, 2);       // kept both
        await TagAsync(doctor, third, 2, 2, 2);           // tracking 1 -> 2
        await TagAsync(owner, unsuggested, 1, 1, 1);      // nothing suggested
        await TagAsync(other, theirs, 1, 1, 2);           // another practice

        var report = await (await api.As(doctor).GetAsync("/api/v1/dashboard/ai-acceptance?weeks=4")).ShouldBeAsync<AiAcceptanceReportDto>(HttpStatusCode.OK);

        report.Weeks.ShouldBe(4);
        report.ByAttribute.Select(a => (a.Attribute, a.Suggested, a.Accepted)).ShouldBe(
            [("overall_tracking", 3, 2), ("aligner_fit", 2, 2), ("oral_hygiene", 1, 0), ("detail_tags", 1, 1)]);
        report.ByAttribute[0].Rate.ShouldNotBeNull().ShouldBe(2.0 / 3, 1e-9);
        report.ByModel.Select(m => (m.Model, m.Attribute, m.Suggested, m.Accepted)).OrderBy(m => m.Model).ThenBy(m => m.Attribute).ShouldBe(
        [
            ("gpt-4o@2024-11-20", "aligner_fit", 1, 1), ("gpt-4o@2024-11-20", "overall_tracking", 2, 1),
            ("orthoscan-mlnet@1", "aligner_fit", 1, 1), ("orthoscan-mlnet@1", "detail_tags", 1, 1),
            ("orthoscan-mlnet@1", "oral_hygiene", 1, 0), ("orthoscan-mlnet@1", "overall_tracking", 1, 1),
        ]);
        report.ByDoctor.Select(d => (d.DoctorId, d.Suggested, d.Accepted)).OrderBy(d => d.Suggested).ShouldBe(
            [(await api.MemberIdAsync(doctor), 3, 2), (await api.MemberIdAsync(owner), 4, 3)]);
        report.ByDoctor.Select(d => d.DoctorName).Order().ShouldBe(["Dr. Test Owner", "Member doctor"]);

        var confusion = report.Confusion.ToDictionary(c => c.Attribute);
        confusion.Keys.ShouldBe(["overall_tracking", "aligner_fit", "oral_hygiene"]);
        confusion["overall_tracking"].Values.ShouldBe(["1", "2", "3"]);
        confusion["overall_tracking"].Counts.ShouldBe([[0, 1, 0], [0, 1, 0], [0, 0, 1]]);
        confusion["aligner_fit"].Values.ShouldBe(["1", "2", "3", "not_applicable"]);
        confusion["aligner_fit"].Counts.ShouldBe([[1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1]]);
        confusion["oral_hygiene"].Counts.ShouldBe([[0, 0, 0], [0, 0, 1], [0, 0, 0]]);

        var theirReport = await (await api.As(other).GetAsync("/api/v1/dashboard/ai-acceptance")).ShouldBeAsync<AiAcceptanceReportDto>(HttpStatusCode.OK);
        theirReport.ByAttribute.Select(a => (a.Attribute, a.Suggested, a.Accepted)).ShouldBe(
            [("overall_tracking", 1, 1), ("aligner_fit", 0, 0), ("oral_hygiene", 1, 0), ("detail_tags", 0, 0)]);
        theirReport.ByModel.Count.ShouldBe(2);
        theirReport.ByDoctor.Single().DoctorName.ShouldBe("Dr. Test Owner");
        theirReport.ByDoctor.Single().DoctorId.ShouldBe(await api.MemberIdAsync(other));
    }

    [Fact]
    public async Task Without_reviews_of_suggestions_every_attribute_and_score_is_there_with_zeros()
    {
        var owner = await api.RegisterPracticeAsync();

        var report = await (await api.As(owner).GetAsync("/api/v1/dashboard/ai-acceptance")).ShouldBeAsync<AiAcceptanceReportDto>(HttpStatusCode.OK);

        report.Weeks.ShouldBe(12);
        report.ByAttribute.ShouldAllBe(a => a.Suggested == 0 && a.Rate == null);
        report.ByModel.ShouldBeEmpty();
        report.ByDoctor.ShouldBeEmpty();
        report.Confusion.ShouldAllBe(c => c.Counts.All(row => row.All(n => n == 0)) && c.Counts.Count == c.Values.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(53)]
    public async Task A_window_outside_1_to_52_weeks_is_a_validation_problem(int weeks)
    {
        var owner = await api.RegisterPracticeAsync();
        await (await api.As(owner).GetAsync($"/api/v1/dashboard/ai-acceptance?weeks={weeks}")).ShouldFailAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Only_owners_and_doctors_read_acceptance_and_patients_and_finance_do_not_read_the_model()
    {
        var owner = await api.RegisterPracticeAsync();
        var staff = await api.AddMemberAsync(owner, "staff");
        var finance = await api.CreatePlatformUserAsync("finance");
        var admin = await api.CreatePlatformUserAsync("platform_admin");
        var patient = await Scans.ScanFlow.PatientAppAsync(api, owner);

        await (await api.As(staff).GetAsync("/api/v1/dashboard/ai-acceptance")).ShouldFailAsync(HttpStatusCode.Forbidden);
        await (await api.As(admin).GetAsync("/api/v1/dashboard/ai-acceptance")).ShouldFailAsync(HttpStatusCode.Forbidden);
        await (await api.As(finance).GetAsync("/api/v1/dashboard/ai-acceptance")).ShouldFailAsync(HttpStatusCode.Forbidden);
        await (await api.As(patient.AccessToken).GetAsync("/api/v1/dashboard/ai-acceptance")).ShouldFailAsync(HttpStatusCode.Forbidden);
        await (await api.CreateClient().GetAsync("/api/v1/dashboard/ai-acceptance")).ShouldFailAsync(HttpStatusCode.Unauthorized);

        await (await api.As(finance).GetAsync("/api/v1/ai/model")).ShouldFailAsync(HttpStatusCode.Forbidden);
        await (await api.As(patient.AccessToken).GetAsync("/api/v1/ai/model")).ShouldFailAsync(HttpStatusCode.Forbidden);
        await (await api.CreateClient().GetAsync("/api/v1/ai/model")).ShouldFailAsync(HttpStatusCode.Unauthorized);
        var model = await (await api.As(staff).GetAsync("/api/v1/ai/model")).ShouldBeAsync<AiModelDto>(HttpStatusCode.OK);
        model.Suggester.ShouldBe("none", "the shared test host has no model file");
        model.Card.ShouldBeNull();
        (await api.As(admin).GetAsync("/api/v1/ai/model")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
