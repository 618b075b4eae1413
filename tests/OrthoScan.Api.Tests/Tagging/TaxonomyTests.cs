using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrthoScan.Api.Tests.Analytics;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Tagging;

/// <summary>
/// The taxonomy served by <c>GET /tags/taxonomy</c> is the only source of the vocabulary: these tests read it as a client
/// does and check that the tag validator, both analytics and the AI comparison follow it, value by value.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class TaxonomyTests(ApiFactory api)
{
    private static readonly JsonSerializerOptions Indented = new(ContractJson.Strict) { WriteIndented = true };

    private async Task<TaxonomyDto> TaxonomyAsync(Session user) =>
        await (await api.As(user).GetAsync("/api/v1/tags/taxonomy")).ShouldBeAsync<TaxonomyDto>(HttpStatusCode.OK);

    /// <summary>`overall_tracking` -> `overallTracking`: a key used as a JSON property name (the tag body) is its camelCase.</summary>
    private static string PropertyName(string key) =>
        string.Concat(key.Split('_').Select((word, i) => i == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..]));

    /// <summary>A review with every score at its best value, unless a case sets it.</summary>
    private static JsonObject Body(TaxonomyDto taxonomy, string version)
    {
        var body = new JsonObject { ["taxonomyVersion"] = version, ["action"] = "approve_progression", ["detailTags"] = new JsonArray() };
        foreach (var score in taxonomy.Scores) body[PropertyName(score.Attribute)] = score.Min;
        return body;
    }

    /// <summary>
    /// Sends a review with a wrong taxonomy version: the validator reports every field it refuses and nothing is stored, so
    /// one ready scan answers any number of cases. Returns the refused fields.
    /// </summary>
    private async Task<IReadOnlyList<string>> RefusedFieldsAsync(Session owner, Guid sessionId, JsonObject body)
    {
        var response = await api.As(owner).PostAsync($"/api/v1/scans/sessions/{sessionId}/tags", JsonContent.Create(body));
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBeOneOf([HttpStatusCode.BadRequest, HttpStatusCode.UnprocessableEntity], text);
        return [.. ContractJson.Read<ProblemDto>(text).Errors.ShouldNotBeNull(text).Keys];
    }

    private async Task<(Session Owner, Guid SessionId)> ReadyScanAsync()
    {
        var owner = await api.RegisterPracticeAsync();
        var patientId = await api.PatientAsync(owner);
        return (owner, await api.SessionAsync(owner, patientId, "ready", DateTime.UtcNow.AddHours(-1)));
    }

    [Fact]
    public async Task The_served_taxonomy_is_2026_1_with_snake_case_keys_and_a_label_for_every_value()
    {
        var owner = await api.RegisterPracticeAsync();

        var taxonomy = await TaxonomyAsync(owner);

        taxonomy.Version.ShouldBe("2026.1");
        taxonomy.Scores.Select(s => s.Attribute).ShouldBe(["overall_tracking", "aligner_fit", "oral_hygiene"]);
        foreach (var score in taxonomy.Scores)
        {
            string[] expected = [.. Enumerable.Range(score.Min, score.Max - score.Min + 1).Select(v => v.ToString()), .. score.NotApplicableAllowed ? ["not_applicable"] : Array.Empty<string>()];
            score.Values.Select(v => v.Value).ShouldBe(expected, score.Attribute);
            score.Values.ShouldAllBe(v => !string.IsNullOrWhiteSpace(v.Label));
            score.Label.ShouldNotBeNullOrWhiteSpace();
        }
        taxonomy.Scores[0].Values.Select(v => v.Label).ShouldBe(["On track", "Minor deviation", "Off track"]);
        taxonomy.DetailTags.ShouldContain(new TaxonomyTermDto("attachment_lost", "Attachment lost"));
        taxonomy.CustomDetailTags.ShouldBeEmpty();
        taxonomy.Locations.Select(l => l.Code).ShouldContain("full_mouth");
        taxonomy.Locations.Where(l => l.Code.All(char.IsDigit)).Select(l => l.Code).ShouldBe(
            [.. from q in Enumerable.Range(1, 4) from t in Enumerable.Range(1, 8) select $"{q}{t}"]);
        taxonomy.ToothNumbering.ShouldBe("fdi");
        taxonomy.Actions.Select(a => ContractJson.Wire(a.Action)).ShouldBe(["approve_progression", "hold_aligner", "message", "schedule_appointment"], ignoreOrder: true);
        taxonomy.Actions.Count.ShouldBe(Enum.GetValues<OrthoScan.Api.Domain.ReviewAction>().Length);
        taxonomy.HoldDays.ShouldBe(new DayRangeDto(1, 14));
    }

    /// <summary>The dashboard's unit tests render the taxonomy from this file, so it must be what the API serves.</summary>
    [Fact]
    public async Task The_dashboard_test_fixture_is_the_served_taxonomy()
    {
        var owner = await api.RegisterPracticeAsync();

        var served = await TaxonomyAsync(owner);

        // Both read strictly and written back the same way, so the comparison is member by member and value by value.
        var fixture = ContractJson.Read<TaxonomyDto>(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "src", "OrthoScan.Dashboard", "src", "test", "taxonomy.json")));
        ContractJson.Write(fixture).ShouldBe(ContractJson.Write(served),
            $"src/OrthoScan.Dashboard/src/test/taxonomy.json is stale; the API serves:\n{JsonSerializer.Serialize(served, Indented)}");
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "OrthoScan.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("OrthoScan.sln not found above the test binaries.");
    }

    [Fact]
    public async Task The_tag_validator_accepts_exactly_the_served_score_ranges_locations_and_hold_days()
    {
        var (owner, sessionId) = await ReadyScanAsync();
        var taxonomy = await TaxonomyAsync(owner);
        var wrongVersion = taxonomy.Version + "-old";

        foreach (var score in taxonomy.Scores)
        {
            var field = PropertyName(score.Attribute);
            foreach (int? value in Enumerable.Range(score.Min - 2, score.Max - score.Min + 5).Select(v => (int?)v).Append(null))
            {
                var body = Body(taxonomy, wrongVersion);
                body[field] = value;
                var accepted = value is null ? score.NotApplicableAllowed : value >= score.Min && value <= score.Max;
                (await RefusedFieldsAsync(owner, sessionId, body)).Contains(field).ShouldBe(!accepted, $"{field} = {value?.ToString() ?? "null"}");
            }
        }

        var locations = taxonomy.Locations.Select(l => l.Code).ToList();
        foreach (var location in locations.Concat(["10", "19", "49", "51", "upper_middle", "UPPER"]))
        {
            var body = Body(taxonomy, wrongVersion);
            body["detailTags"] = new JsonArray(new JsonObject { ["code"] = taxonomy.DetailTags[0].Code, ["location"] = location });
            (await RefusedFieldsAsync(owner, sessionId, body)).Contains("detailTags[0].location").ShouldBe(!locations.Contains(location), location);
        }

        for (var days = taxonomy.HoldDays.Min - 1; days <= taxonomy.HoldDays.Max + 1; days++)
        {
            var body = Body(taxonomy, wrongVersion);
            body["action"] = "hold_aligner";
            body["holdDays"] = days;
            var accepted = days >= taxonomy.HoldDays.Min && days <= taxonomy.HoldDays.Max;
            (await RefusedFieldsAsync(owner, sessionId, body)).Contains("holdDays").ShouldBe(!accepted, $"holdDays = {days}");
        }

        // And with the served version, a review at the far end of every range is stored.
        var worst = Body(taxonomy, taxonomy.Version);
        foreach (var score in taxonomy.Scores) worst[PropertyName(score.Attribute)] = score.NotApplicableAllowed ? null : score.Max;
        worst["action"] = "hold_aligner";
        worst["holdDays"] = taxonomy.HoldDays.Max;
        await (await api.As(owner).PostAsync($"/api/v1/scans/sessions/{sessionId}/tags", JsonContent.Create(worst))).ShouldBeAsync<TagSetDto>(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Analytics_buckets_and_attributes_are_exactly_the_served_taxonomy()
    {
        var owner = await api.RegisterPracticeAsync();
        var taxonomy = await TaxonomyAsync(owner);

        var dashboard = await (await api.As(owner).GetAsync("/api/v1/dashboard/analytics")).ShouldBeAsync<DashboardAnalyticsDto>(HttpStatusCode.OK);
        var tags = await (await api.As(owner).GetAsync("/api/v1/tags/analytics")).ShouldBeAsync<TagAnalyticsDto>(HttpStatusCode.OK);

        var scores = dashboard.Scores;
        scores.Select(s => s.Attribute).ShouldBe(taxonomy.Scores.Select(s => s.Attribute));
        foreach (var (served, distribution) in taxonomy.Scores.Zip(scores))
        {
            distribution.Values.Select(v => v.Value).ShouldBe(served.Values.Select(v => v.Value), served.Attribute);
            distribution.Values.ShouldAllBe(v => v.Count == 0);
        }
        dashboard.AiAcceptance.Select(a => a.Attribute)
            .ShouldBe([.. taxonomy.Scores.Select(s => s.Attribute), "detail_tags"]);
        tags.Agreement.Select(a => a.Attribute).ShouldBe(taxonomy.Scores.Select(s => s.Attribute));
        tags.Actions.Select(a => a.Action).ShouldBe(taxonomy.Actions.Select(a => a.Action), ignoreOrder: true);
    }

    [Fact]
    public async Task Stored_scores_are_counted_under_the_served_values_and_ai_outcomes_use_them()
    {
        var (owner, sessionId) = await ReadyScanAsync();
        var taxonomy = await TaxonomyAsync(owner);
        var fit = taxonomy.Scores.Single(s => s.NotApplicableAllowed);
        await AiSuggestionData.InsertRunAsync(api, owner.PracticeId, sessionId, DateTime.UtcNow.AddMinutes(-5),
            [.. taxonomy.Scores.Select(s => (s.Attribute, s.Values[0].Value, 0.9f))]);

        var body = Body(taxonomy, taxonomy.Version);
        foreach (var score in taxonomy.Scores) body[PropertyName(score.Attribute)] = score.Max;
        body[PropertyName(fit.Attribute)] = null;
        var tagged = await (await api.As(owner).PostAsync($"/api/v1/scans/sessions/{sessionId}/tags", JsonContent.Create(body))).ShouldBeAsync<TagSetDto>(HttpStatusCode.Created);

        var outcomes = tagged.AiOutcomes.ToDictionary(o => o.Attribute, o => o.Chosen);
        outcomes.ShouldBe(taxonomy.Scores.ToDictionary(s => s.Attribute, s => s == fit ? "not_applicable" : s.Values.Single(v => v.Value == s.Max.ToString()).Value));
        var dashboard = await (await api.As(owner).GetAsync("/api/v1/dashboard/analytics")).ShouldBeAsync<DashboardAnalyticsDto>(HttpStatusCode.OK);
        var counted = dashboard.Scores.ToDictionary(s => s.Attribute, s => s.Values.Where(v => v.Count > 0).Select(v => v.Value).Single());
        counted.ShouldBe(outcomes);
    }
}
