using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using OrthoScan.Api.Tests.Analytics;
using OrthoScan.Api.Tests.Auth;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Scans;
using Shouldly;

namespace OrthoScan.Api.Tests.BadInput;

/// <summary>
/// The body rules every request record gets from its C# types (see RequestJson): no null items, nothing required left
/// out, no NUL in text. Each case below was a 500 or a silent default before; the schema fuzz finds them generally.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class RequestShapeTests(ApiFactory api)
{
    private static JsonObject Review(string? action = "message") => new()
    {
        ["taxonomyVersion"] = "2026.1", ["overallTracking"] = 1, ["alignerFit"] = 1, ["oralHygiene"] = 1,
        ["detailTags"] = new JsonArray(new JsonObject { ["code"] = "plaque", ["location"] = "11" }), ["action"] = action,
    };

    /// <summary>A session ready for review, written straight into the database: these cases never get past the body.</summary>
    private async Task<(Session Owner, Guid PatientId, Guid SessionId)> ReadySessionAsync()
    {
        var owner = await api.PracticeAsync();
        var patientId = await api.PatientAsync(owner);
        return (owner, patientId, await api.SessionAsync(owner, patientId, "ready", DateTime.UtcNow.AddHours(-1)));
    }

    private async Task<long> TagSetCountAsync(Session owner, Guid sessionId)
    {
        await using var sql = await Sql.OpenAsync(api.OwnerConnectionString, owner.PracticeId);
        return await sql.ScalarAsync<long>("SELECT count(*) FROM tag_sets WHERE session_id = @s", ("s", sessionId));
    }

    [Theory]
    [InlineData("[null]", "detailTags[0]")]
    [InlineData("""[{"code":"plaque","location":"11"}, null]""", "detailTags[1]")]
    public async Task A_null_detail_tag_is_a_400_naming_the_item_and_tags_nothing(string detailTags, string field)
    {
        var (owner, _, sessionId) = await ReadySessionAsync();
        var body = Review();
        body["detailTags"] = JsonNode.Parse(detailTags);

        var problem = await (await api.As(owner).PostAsync($"/api/v1/scans/sessions/{sessionId}/tags", Json(body)))
            .ShouldFailAsync(HttpStatusCode.BadRequest, "validation");

        problem.Errors.ShouldNotBeNull().Keys.ShouldBe([field]);
        (await TagSetCountAsync(owner, sessionId)).ShouldBe(0);
    }

    [Fact]
    public async Task A_review_without_an_action_is_refused_and_the_patient_keeps_their_aligner()
    {
        var (owner, patientId, sessionId) = await ReadySessionAsync();
        var before = await (await api.As(owner).GetAsync($"/api/v1/patients/{patientId}")).ShouldBeAsync<PatientDto>(HttpStatusCode.OK);
        var body = Review();
        body.Remove("action");

        var problem = await (await api.As(owner).PostAsync($"/api/v1/scans/sessions/{sessionId}/tags", Json(body)))
            .ShouldFailAsync(HttpStatusCode.BadRequest, "validation");

        problem.Errors.ShouldNotBeNull().Keys.ShouldBe(["action"]);
        var after = await (await api.As(owner).GetAsync($"/api/v1/patients/{patientId}")).ShouldBeAsync<PatientDto>(HttpStatusCode.OK);
        after.CurrentStage.ShouldBe(before.CurrentStage);
        (await TagSetCountAsync(owner, sessionId)).ShouldBe(0);
    }

    [Fact]
    public async Task Left_out_scores_and_a_left_out_nested_field_are_named_from_the_root()
    {
        var (owner, _, sessionId) = await ReadySessionAsync();
        var body = Review();
        body.Remove("overallTracking");
        body.Remove("oralHygiene");

        var problem = await (await api.As(owner).PostAsync($"/api/v1/scans/sessions/{sessionId}/tags", Json(body)))
            .ShouldFailAsync(HttpStatusCode.BadRequest, "validation");

        problem.Errors.ShouldNotBeNull().Keys.ShouldBe(["overallTracking", "oralHygiene"], ignoreOrder: true);
    }

    [Theory]
    [InlineData(99)]
    [InlineData(0)]
    [InlineData(int.MaxValue)]
    public async Task Hold_days_out_of_range_are_refused_whatever_the_action(int holdDays)
    {
        var (owner, _, sessionId) = await ReadySessionAsync();
        var body = Review();
        body["holdDays"] = holdDays;

        var problem = await (await api.As(owner).PostAsync($"/api/v1/scans/sessions/{sessionId}/tags", Json(body)))
            .ShouldFailAsync(HttpStatusCode.BadRequest, "validation");

        problem.Errors.ShouldNotBeNull().ShouldContainKey("holdDays");
        (await TagSetCountAsync(owner, sessionId)).ShouldBe(0);
    }

    [Theory]
    [InlineData("imageType")]
    [InlineData("sessionId")]
    [InlineData("contentLength")]
    public async Task An_upload_request_without_its_view_session_or_size_is_a_400_naming_it(string field)
    {
        var owner = await api.PracticeAsync();
        var app = await api.PatientAppAsync(owner, "Uploader");
        var sessionId = (await (await api.CreateSessionAsync(app, Guid.NewGuid().ToString())).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.Created)).Id;
        var body = new JsonObject { ["sessionId"] = sessionId.ToString(), ["imageType"] = "buccal_l", ["contentType"] = "image/jpeg", ["contentLength"] = 1000 };
        body.Remove(field);

        var problem = await (await api.As(app.AccessToken).PostAsync("/api/v1/scans/upload-url", Json(body)))
            .ShouldFailAsync(HttpStatusCode.BadRequest, "validation");

        problem.Errors.ShouldNotBeNull().Keys.ShouldBe([field]);
        var session = await (await api.As(app.AccessToken).GetAsync($"/api/v1/scans/sessions/{sessionId}")).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.OK);
        session.Images.ShouldAllBe(i => i.Status == ScanImageStatus.AwaitingUpload);
    }

    [Theory]
    [InlineData("firstName")]
    [InlineData("alignerBrand")]
    [InlineData("email")]
    public async Task Text_with_a_nul_character_is_a_400_naming_the_field_and_creates_nothing(string field)
    {
        var owner = await api.PracticeAsync();
        var before = await api.PatientIdsAsync(owner);
        var body = new JsonObject { ["firstName"] = "Ada", ["lastName"] = "Lovelace", ["dateOfBirth"] = "1990-04-12", ["email"] = "ada@example.com" };
        body[field] = "Ada\0Lovelace";

        var problem = await (await api.As(owner).PostAsync("/api/v1/patients", Json(body))).ShouldFailAsync(HttpStatusCode.BadRequest, "validation");

        problem.Errors.ShouldNotBeNull().Keys.ShouldBe([field]);
        (await api.PatientIdsAsync(owner)).ShouldBe(before);
    }

    [Fact]
    public async Task Registering_with_a_nul_character_in_the_practice_name_is_a_400()
    {
        var email = TestApi.UniqueEmail();
        var problem = await (await api.CreateClient().PostAsJsonAsync("/api/v1/auth/register",
                new { practiceName = "Smile\0Clinic", ownerName = "O", email, password = TestApi.Password }))
            .ShouldFailAsync(HttpStatusCode.BadRequest, "validation");

        problem.Errors.ShouldNotBeNull().Keys.ShouldBe(["practiceName"]);
        await (await api.LoginAsync(email, TestApi.Password)).ShouldFailAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("/api/v1/patients?search=%00", "search")]
    [InlineData("/api/v1/patients?search=Ada%00", "search")]
    [InlineData("/api/v1/audit?resourceType=patient%00", "resourceType")]
    public async Task A_nul_character_in_a_query_value_is_a_400_naming_the_parameter(string url, string parameter)
    {
        var owner = await api.PracticeAsync();
        var problem = await (await api.As(owner).GetAsync(url)).ShouldFailAsync(HttpStatusCode.BadRequest, "validation");
        problem.Errors.ShouldNotBeNull().Keys.ShouldBe([parameter]);
    }

    [Fact]
    public async Task Research_consent_may_be_left_out_and_is_then_not_given()
    {
        var owner = await api.PracticeAsync();
        var created = await (await api.As(owner).PostAsync("/api/v1/patients",
            Json(new JsonObject { ["firstName"] = "Ada", ["lastName"] = "Lovelace", ["dateOfBirth"] = "1990-04-12", ["email"] = "ada@example.com" })))
            .ShouldBeAsync<PatientDto>(HttpStatusCode.Created);
        created.ResearchConsent.Given.ShouldBeFalse();
    }

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");
}
