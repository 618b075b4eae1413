using System.Net;
using System.Net.Http.Json;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Tagging;
using Shouldly;

namespace OrthoScan.Api.Tests.Analytics;

/// <summary>AI acceptance per attribute on the dashboard, from reviews made through the API on scans with model suggestions.</summary>
[Collection(ApiCollection.Name)]
public sealed class AiAcceptanceTests(ApiFactory api)
{
    private async Task TagAsync(Session doctor, Guid sessionId, int tracking, int? fit, int hygiene, params string[] detailTags) =>
        await (await api.As(doctor).PostAsJsonAsync($"/api/v1/scans/sessions/{sessionId}/tags", new
        {
            taxonomyVersion = "2026.1", overallTracking = tracking, alignerFit = fit, oralHygiene = hygiene,
            detailTags = detailTags.Select(code => new { code }).ToArray(), action = "approve_progression",
        })).ShouldBeAsync<TagSetDto>(HttpStatusCode.Created);

    [Fact]
    public async Task Acceptance_counts_each_suggested_attribute_and_whether_the_doctor_kept_it()
    {
        var owner = await api.RegisterPracticeAsync();
        var other = await api.RegisterPracticeAsync("Other");
        var patient = await api.PatientAsync(owner);
        var submitted = DateTime.UtcNow.AddHours(-1);
        var all = await api.SessionAsync(owner, patient, "ready", submitted);
        var notApplicable = await api.SessionAsync(owner, patient, "ready", submitted);
        var overridden = await api.SessionAsync(owner, patient, "ready", submitted);
        var unsuggested = await api.SessionAsync(owner, patient, "ready", submitted);
        var run = DateTime.UtcNow.AddMinutes(-30);
        await AiSuggestionData.InsertRunAsync(api, owner.PracticeId, all, run,
            ("overall_tracking", "2", 0.9f), ("aligner_fit", "1", 0.8f), ("oral_hygiene", "2", 0.7f), ("detail_tag", "plaque", 0.6f));
        await AiSuggestionData.InsertRunAsync(api, owner.PracticeId, notApplicable, run,
            ("overall_tracking", "3", 0.9f), ("aligner_fit", "not_applicable", 0.8f));
        await AiSuggestionData.InsertRunAsync(api, owner.PracticeId, overridden, run, ("overall_tracking", "1", 0.5f));
        var theirs = await api.SessionAsync(other, await api.PatientAsync(other), "ready", submitted);
        await AiSuggestionData.InsertRunAsync(api, other.PracticeId, theirs, run, ("overall_tracking", "1", 0.5f), ("oral_hygiene", "1", 0.5f));

        await TagAsync(owner, all, 2, 1, 3, "plaque");        // kept tracking, fit and tags; overrode hygiene
        await TagAsync(owner, notApplicable, 3, null, 2);     // kept both
        await TagAsync(owner, overridden, 2, 2, 2);           // overrode tracking
        await TagAsync(owner, unsuggested, 1, 1, 1);          // nothing suggested
        await TagAsync(other, theirs, 1, 1, 1);               // another practice: kept both

        var body = await (await api.As(owner).GetAsync("/api/v1/dashboard/analytics")).ShouldBeAsync<DashboardAnalyticsDto>(HttpStatusCode.OK);

        var acceptance = body.AiAcceptance.ToDictionary(a => a.Attribute, a => (a.Suggested, a.Accepted));
        acceptance.ShouldBe(new Dictionary<string, (int, int)>
        {
            ["overall_tracking"] = (3, 2), ["aligner_fit"] = (2, 2), ["oral_hygiene"] = (1, 0), ["detail_tags"] = (1, 1),
        });
        var rates = body.AiAcceptance.Select(a => a.Rate.ShouldNotBeNull(a.Attribute)).ToList();
        rates[0].ShouldBe(2.0 / 3, 1e-9);
        rates.Skip(1).ShouldBe([1.0, 0.0, 1.0]);
    }

    [Fact]
    public async Task Without_suggestions_every_attribute_is_listed_with_no_rate()
    {
        var owner = await api.RegisterPracticeAsync();
        var body = await (await api.As(owner).GetAsync("/api/v1/dashboard/analytics")).ShouldBeAsync<DashboardAnalyticsDto>(HttpStatusCode.OK);

        body.AiAcceptance.Select(a => a.Attribute).ShouldBe(["overall_tracking", "aligner_fit", "oral_hygiene", "detail_tags"]);
        body.AiAcceptance.ShouldAllBe(a => a.Suggested == 0 && a.Rate == null);
    }
}
