using System.Net;
using System.Net.Http.Json;
using Npgsql;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Scans;
using Shouldly;

namespace OrthoScan.Api.Tests.Tagging;

[Collection(ApiCollection.Name)]
public sealed class AiSuggestionTests(ApiFactory api)
{
    private static readonly DateTime RunAt = new(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc);

    private async Task<(Session Owner, PatientApp App, Guid SessionId)> SuggestedScanAsync()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner, "Suggested");
        var sessionId = (await api.SendScanAndWaitAsync(app)).Id;
        await AiSuggestionData.InsertRunAsync(api, owner.PracticeId, sessionId, RunAt,
            ("overall_tracking", "1", 0.91f), ("aligner_fit", "2", 0.64f), ("oral_hygiene", "2", 0.77f),
            ("detail_tag", "plaque", 0.7f), ("detail_tag", "calculus", 0.55f));
        return (owner, app, sessionId);
    }

    private static object Tags(int tracking, int? fit, int hygiene, params string[] detailTags) => new
    {
        taxonomyVersion = "2026.1", overallTracking = tracking, alignerFit = fit, oralHygiene = hygiene,
        detailTags = detailTags.Select(code => new { code, location = (string?)null }).ToArray(), action = "approve_progression",
    };

    private static Dictionary<string, AiOutcomeDto> ByAttribute(IReadOnlyList<AiOutcomeDto> outcomes) =>
        outcomes.ToDictionary(o => o.Attribute);

    [Fact]
    public async Task The_review_screen_gets_the_latest_model_run_and_the_patient_never_sees_it()
    {
        var (owner, app, sessionId) = await SuggestedScanAsync();
        await AiSuggestionData.InsertRunAsync(api, owner.PracticeId, sessionId, RunAt.AddDays(-1), ("overall_tracking", "3", 0.99f));

        var seen = await (await api.As(owner).GetAsync($"/api/v1/scans/sessions/{sessionId}")).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.OK);
        var suggestions = seen.AiSuggestions;
        suggestions.Select(s => $"{s.Attribute}={s.Value}").ShouldBe(
            ["aligner_fit=2", "detail_tag=calculus", "detail_tag=plaque", "oral_hygiene=2", "overall_tracking=1"]);
        suggestions[0].ModelName.ShouldBe("test-model");
        suggestions[0].Confidence.ShouldBe(0.64, 0.001);

        var seenByApp = await (await api.As(app.AccessToken).GetAsync($"/api/v1/scans/sessions/{sessionId}")).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.OK);
        seenByApp.AiSuggestions.ShouldBeEmpty();
    }

    [Fact]
    public async Task Each_attribute_records_whether_it_was_suggested_and_whether_the_doctor_overrode_it()
    {
        var (owner, _, sessionId) = await SuggestedScanAsync();

        var tagged = await (await api.As(owner).PostAsJsonAsync($"/api/v1/scans/sessions/{sessionId}/tags", Tags(1, 1, 2, "plaque")))
            .ShouldBeAsync<TagSetDto>(HttpStatusCode.Created);

        var outcomes = ByAttribute(tagged.AiOutcomes);
        outcomes.Keys.Order().ShouldBe(["aligner_fit", "detail_tags", "oral_hygiene", "overall_tracking"]);
        outcomes["overall_tracking"].Overridden.ShouldBeFalse();
        outcomes["oral_hygiene"].Overridden.ShouldBeFalse();
        outcomes["aligner_fit"].Overridden.ShouldBeTrue();
        outcomes["aligner_fit"].Suggested.ShouldBe("2");
        outcomes["aligner_fit"].Chosen.ShouldBe("1");
        outcomes["detail_tags"].Suggested.ShouldBe("calculus,plaque");
        outcomes["detail_tags"].Chosen.ShouldBe("plaque");
        outcomes["detail_tags"].Overridden.ShouldBeTrue();
        outcomes["overall_tracking"].Model.ShouldBe("test-model@1.0");

        await using var db = await Sql.OpenAsync(api.AppConnectionString, owner.PracticeId);
        (await db.ScalarAsync<string>($"SELECT ai_suggested || ',' || ai_overridden FROM tag_sets WHERE session_id = '{sessionId}'")).ShouldBe("true,true");
        (await db.ScalarAsync<long>($"""
            SELECT count(*) FROM tag_sets, jsonb_array_elements(ai_outcomes) o
            WHERE session_id = '{sessionId}' AND (o->>'overridden')::boolean
            """)).ShouldBe(2);
    }

    [Fact]
    public async Task Agreeing_with_every_suggestion_is_recorded_as_accepted_and_a_scan_without_suggestions_records_none()
    {
        var (owner, app, sessionId) = await SuggestedScanAsync();
        var agreed = await (await api.As(owner).PostAsJsonAsync($"/api/v1/scans/sessions/{sessionId}/tags", Tags(1, 2, 2, "calculus", "plaque")))
            .ShouldBeAsync<TagSetDto>(HttpStatusCode.Created);
        agreed.AiOutcomes.Select(o => o.Overridden).ShouldAllBe(overridden => !overridden);

        var plain = (await api.SendScanAndWaitAsync(app)).Id;
        var unsuggested = await (await api.As(owner).PostAsJsonAsync($"/api/v1/scans/sessions/{plain}/tags", Tags(2, null, 1)))
            .ShouldBeAsync<TagSetDto>(HttpStatusCode.Created);
        unsuggested.AiOutcomes.ShouldBeEmpty();

        await using var db = await Sql.OpenAsync(api.AppConnectionString, owner.PracticeId);
        (await db.ScalarAsync<string>($"SELECT ai_suggested || ',' || ai_overridden FROM tag_sets WHERE session_id = '{sessionId}'")).ShouldBe("true,false");
        (await db.ScalarAsync<string>($"SELECT ai_suggested || ',' || ai_overridden FROM tag_sets WHERE session_id = '{plain}'")).ShouldBe("false,false");
    }

    [Fact]
    public async Task Another_practice_can_neither_read_nor_write_a_practices_suggestions()
    {
        var (owner, _, sessionId) = await SuggestedScanAsync();
        var other = await api.RegisterPracticeAsync();

        await (await api.As(other).GetAsync($"/api/v1/scans/sessions/{sessionId}")).ShouldFailAsync(HttpStatusCode.NotFound);
        await using var db = await Sql.OpenAsync(api.AppConnectionString, other.PracticeId);
        (await db.ScalarAsync<long>("SELECT count(*) FROM ai_suggestions")).ShouldBe(0);
        await using var forgedOwner = await Sql.OpenAsync(api.AppConnectionString, other.PracticeId);
        var wrongPractice = await Should.ThrowAsync<PostgresException>(() => forgedOwner.ExecuteAsync("""
            INSERT INTO ai_suggestions (id, practice_id, session_id, model_name, model_version, attribute, value, confidence, created_at)
            VALUES (gen_random_uuid(), @practice, @session, 'm', '1', 'overall_tracking', '3', 0.5, now())
            """, ("practice", owner.PracticeId), ("session", sessionId)));
        wrongPractice.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
    }

    [Fact]
    public async Task The_first_review_queues_the_patients_feedback_once_and_a_second_review_does_not()
    {
        var (owner, _, sessionId) = await SuggestedScanAsync();
        var doctor = await api.AddMemberAsync(owner, "doctor");

        await (await api.As(owner).PostAsJsonAsync($"/api/v1/scans/sessions/{sessionId}/tags", Tags(1, 2, 2))).ShouldBeAsync<TagSetDto>(HttpStatusCode.Created);
        await (await api.As(doctor).PostAsJsonAsync($"/api/v1/scans/sessions/{sessionId}/tags", Tags(2, 2, 2))).ShouldBeAsync<TagSetDto>(HttpStatusCode.Created);

        await using var db = await Sql.OpenAsync(api.OwnerConnectionString);
        var jobs = await db.ColumnAsync($"""
            SELECT kind FROM jobs
            WHERE kind = 'patient_feedback.deliver' AND payload->>'sessionId' = '{sessionId}' AND payload->>'practiceId' = '{owner.PracticeId}'
            """);
        jobs.ShouldHaveSingleItem();
    }
}
