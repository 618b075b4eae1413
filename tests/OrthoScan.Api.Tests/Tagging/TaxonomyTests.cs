using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using OrthoScan.Api.Domain;
using OrthoScan.Api.Tests.Analytics;
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
    private sealed record ServedTaxonomy(
        string Version, List<ServedScore> Scores, List<ServedTerm> DetailTags, List<ServedTerm> CustomDetailTags, List<ServedTerm> Locations,
        string ToothNumbering, List<ServedAction> Actions, ServedDays HoldDays);

    private sealed record ServedScore(string Attribute, string Label, int Min, int Max, bool NotApplicableAllowed, List<ServedValue> Values);

    private sealed record ServedValue(string Value, string Label);

    private sealed record ServedTerm(string Code, string Label);

    private sealed record ServedAction(string Action, string Label);

    private sealed record ServedDays(int Min, int Max);

    private async Task<ServedTaxonomy> TaxonomyAsync(Session user)
    {
        var response = await api.As(user).GetAsync("/api/v1/tags/taxonomy");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<ServedTaxonomy>(TestApi.Json))!;
    }

    /// <summary>`overall_tracking` -> `overallTracking`: a key used as a JSON property name (the tag body) is its camelCase.</summary>
    private static string PropertyName(string key) =>
        string.Concat(key.Split('_').Select((word, i) => i == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..]));

    /// <summary>A review with every score at its best value, unless a case sets it.</summary>
    private static JsonObject Body(ServedTaxonomy taxonomy, string version)
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
        return [.. JsonNode.Parse(text)!["errors"]!.AsObject().Select(e => e.Key)];
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
        taxonomy.DetailTags.ShouldContain(new ServedTerm("attachment_lost", "Attachment lost"));
        taxonomy.CustomDetailTags.ShouldBeEmpty();
        taxonomy.Locations.Select(l => l.Code).ShouldContain("full_mouth");
        taxonomy.Locations.Where(l => l.Code.All(char.IsDigit)).Select(l => l.Code).ShouldBe(
            [.. from q in Enumerable.Range(1, 4) from t in Enumerable.Range(1, 8) select $"{q}{t}"]);
        taxonomy.ToothNumbering.ShouldBe("fdi");
        taxonomy.Actions.Select(a => a.Action).ShouldBe(["approve_progression", "hold_aligner", "message", "schedule_appointment"], ignoreOrder: true);
        taxonomy.Actions.Count.ShouldBe(Enum.GetValues<ReviewAction>().Length);
        taxonomy.HoldDays.ShouldBe(new ServedDays(1, 14));
    }

    /// <summary>The dashboard's unit tests render the taxonomy from this file, so it must be what the API serves.</summary>
    [Fact]
    public async Task The_dashboard_test_fixture_is_the_served_taxonomy()
    {
        var owner = await api.RegisterPracticeAsync();

        var served = await (await api.As(owner).GetAsync("/api/v1/tags/taxonomy")).ShouldBeAsync(HttpStatusCode.OK);

        var fixture = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "src", "OrthoScan.Dashboard", "src", "test", "taxonomy.json")))!;
        JsonNode.DeepEquals(served, fixture).ShouldBeTrue(
            $"src/OrthoScan.Dashboard/src/test/taxonomy.json is stale; the API serves:\n{served.ToJsonString(new() { WriteIndented = true })}");
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
        await (await api.As(owner).PostAsync($"/api/v1/scans/sessions/{sessionId}/tags", JsonContent.Create(worst))).ShouldBeAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Analytics_buckets_and_attributes_are_exactly_the_served_taxonomy()
    {
        var owner = await api.RegisterPracticeAsync();
        var taxonomy = await TaxonomyAsync(owner);

        var dashboard = await (await api.As(owner).GetAsync("/api/v1/dashboard/analytics")).ShouldBeAsync(HttpStatusCode.OK);
        var tags = await (await api.As(owner).GetAsync("/api/v1/tags/analytics")).ShouldBeAsync(HttpStatusCode.OK);

        var scores = dashboard["scores"]!.AsArray();
        scores.Select(s => s!["attribute"]!.GetValue<string>()).ShouldBe(taxonomy.Scores.Select(s => s.Attribute));
        foreach (var (served, distribution) in taxonomy.Scores.Zip(scores))
        {
            distribution!["values"]!.AsArray().Select(v => v!["value"]!.GetValue<string>()).ShouldBe(served.Values.Select(v => v.Value), served.Attribute);
            distribution["values"]!.AsArray().ShouldAllBe(v => v!["count"]!.GetValue<int>() == 0);
        }
        dashboard["aiAcceptance"]!.AsArray().Select(a => a!["attribute"]!.GetValue<string>())
            .ShouldBe([.. taxonomy.Scores.Select(s => s.Attribute), "detail_tags"]);
        tags["agreement"]!.AsArray().Select(a => a!["attribute"]!.GetValue<string>()).ShouldBe(taxonomy.Scores.Select(s => s.Attribute));
        tags["actions"]!.AsArray().Select(a => a!["action"]!.GetValue<string>()).ShouldBe(taxonomy.Actions.Select(a => a.Action), ignoreOrder: true);
    }

    [Fact]
    public async Task Stored_scores_are_counted_under_the_served_values_and_ai_outcomes_use_them()
    {
        var (owner, sessionId) = await ReadyScanAsync();
        var taxonomy = await TaxonomyAsync(owner);
        var fit = taxonomy.Scores.Single(s => s.NotApplicableAllowed);
        await AiSuggestionData.InsertRunAsync(api, owner.PracticeId, sessionId.ToString(), DateTime.UtcNow.AddMinutes(-5),
            [.. taxonomy.Scores.Select(s => (s.Attribute, s.Values[0].Value, 0.9f))]);

        var body = Body(taxonomy, taxonomy.Version);
        foreach (var score in taxonomy.Scores) body[PropertyName(score.Attribute)] = score.Max;
        body[PropertyName(fit.Attribute)] = null;
        var tagged = await (await api.As(owner).PostAsync($"/api/v1/scans/sessions/{sessionId}/tags", JsonContent.Create(body))).ShouldBeAsync(HttpStatusCode.Created);

        var outcomes = tagged["aiOutcomes"]!.AsArray().ToDictionary(o => o!["attribute"]!.GetValue<string>(), o => o!["chosen"]!.GetValue<string>());
        outcomes.ShouldBe(taxonomy.Scores.ToDictionary(s => s.Attribute, s => s == fit ? "not_applicable" : s.Values.Single(v => v.Value == s.Max.ToString()).Value));
        var dashboard = await (await api.As(owner).GetAsync("/api/v1/dashboard/analytics")).ShouldBeAsync(HttpStatusCode.OK);
        var counted = dashboard["scores"]!.AsArray().ToDictionary(
            s => s!["attribute"]!.GetValue<string>(),
            s => s!["values"]!.AsArray().Where(v => v!["count"]!.GetValue<int>() > 0).Select(v => v!["value"]!.GetValue<string>()).Single());
        counted.ShouldBe(outcomes);
    }
}
