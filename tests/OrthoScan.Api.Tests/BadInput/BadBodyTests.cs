using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.BadInput;

/// <summary>Bodies that cannot be read as the request they claim to be: a clear 400-family problem, and nothing stored.</summary>
[Collection(ApiCollection.Name)]
public sealed class BadBodyTests(ApiFactory api)
{
    private const string ValidPatient = """{"firstName":"Ada","lastName":"Lovelace","dateOfBirth":"1990-04-12","email":"ada@example.com"}""";

    [Theory]
    [InlineData("""{"firstName": "A",""")]
    [InlineData("""{"firstName": "A" "lastName": "B"}""")]
    [InlineData("""{"firstName": 'A'}""")]
    [InlineData("""{"firstName":"Ada","lastName":"Lovelace","dateOfBirth":"1990-04-12","email":"ada@example.com"} trailing""")]
    [InlineData("""[{"firstName":"Ada"}]""")]
    [InlineData("\"just a string\"")]
    [InlineData("not json at all")]
    public async Task Malformed_json_is_a_400_problem_and_creates_nothing(string body)
    {
        var owner = await api.PracticeAsync();
        var before = await api.PatientIdsAsync(owner);
        var response = await api.As(owner).PostAsync("/api/v1/patients", Json(body));
        ShouldNotExposeInternals(await response.ShouldFailAsync(HttpStatusCode.BadRequest, "malformed-request"));
        (await api.PatientIdsAsync(owner)).ShouldBe(before);
    }

    [Theory]
    [InlineData("totalStages", "\"many\"")]
    [InlineData("totalStages", "2.5")]
    [InlineData("totalStages", "99999999999")]
    [InlineData("totalStages", "1e400")]
    [InlineData("currentStage", "true")]
    [InlineData("dateOfBirth", "12")]
    [InlineData("dateOfBirth", "\"12/04/1990\"")]
    [InlineData("dateOfBirth", "\"1990-02-30\"")]
    [InlineData("researchConsent", "\"yes\"")]
    [InlineData("researchConsent", "1")]
    [InlineData("firstName", "42")]
    [InlineData("firstName", """{"given":"Ada"}""")]
    [InlineData("doctorId", "\"not-a-guid\"")]
    [InlineData("preferredLanguage", "\"klingon\"")]
    [InlineData("preferredLanguage", "2")]
    [InlineData("treatmentType", "\"braces\"")]
    [InlineData("scanFrequency", "\"hourly\"")]
    public async Task A_field_of_the_wrong_type_or_an_unknown_enum_value_is_a_400_naming_the_field(string field, string rawValue)
    {
        var owner = await api.PracticeAsync();
        var before = await api.PatientIdsAsync(owner);
        var body = JsonNode.Parse(ValidPatient)!.AsObject();
        body[field] = JsonNode.Parse(rawValue);

        var response = await api.As(owner).PostAsync("/api/v1/patients", Json(body.ToJsonString()));

        var problem = await response.ShouldFailAsync(HttpStatusCode.BadRequest, "malformed-request");
        var messages = problem.Errors?.GetValueOrDefault(field);
        messages.ShouldNotBeNull($"the problem names {field}: {ContractJson.Write(problem)}");
        messages.ShouldNotBeEmpty();
        ShouldNotExposeInternals(problem);
        (await api.PatientIdsAsync(owner)).ShouldBe(before);
    }

    [Theory]
    [InlineData("firstName")]
    [InlineData("lastName")]
    [InlineData("dateOfBirth")]
    public async Task Null_for_a_required_field_is_a_400_naming_the_field(string field)
    {
        var owner = await api.PracticeAsync();
        var before = await api.PatientIdsAsync(owner);
        var body = JsonNode.Parse(ValidPatient)!.AsObject();
        body[field] = null;

        var problem = await (await api.As(owner).PostAsync("/api/v1/patients", Json(body.ToJsonString())))
            .ShouldFailAsync(HttpStatusCode.BadRequest, "validation");

        problem.Errors.ShouldNotBeNull().Keys.ShouldBe([field]);
        (await api.PatientIdsAsync(owner)).ShouldBe(before);
    }

    [Fact]
    public async Task The_valid_body_the_type_cases_start_from_is_accepted()
    {
        // Guards the theory above: each case differs from an accepted body by one field only.
        var owner = await api.PracticeAsync();
        await (await api.As(owner).PostAsync("/api/v1/patients", Json(ValidPatient))).ShouldBeAsync<PatientDto>(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    public async Task An_empty_or_null_body_is_a_400_problem(string body)
    {
        var owner = await api.PracticeAsync();
        var before = await api.PatientIdsAsync(owner);
        var response = await api.As(owner).PostAsync("/api/v1/patients", Json(body));
        ShouldNotExposeInternals(await response.ShouldFailAsync(HttpStatusCode.BadRequest));
        (await api.PatientIdsAsync(owner)).ShouldBe(before);
    }

    [Fact]
    public async Task A_post_without_any_content_is_a_problem_not_a_crash()
    {
        var owner = await api.PracticeAsync();
        var before = await api.PatientIdsAsync(owner);
        var response = await api.As(owner).PostAsync("/api/v1/patients", null);
        ((int)response.StatusCode).ShouldBeInRange(400, 499);
        ShouldNotExposeInternals(await response.ShouldFailAsync(response.StatusCode));
        (await api.PatientIdsAsync(owner)).ShouldBe(before);
    }

    [Fact]
    public async Task Deeply_nested_json_is_a_400_problem()
    {
        var owner = await api.PracticeAsync();
        var before = await api.PatientIdsAsync(owner);
        var body = """{"firstName":""" + new string('[', 5000) + new string(']', 5000) + "}";
        var response = await api.As(owner).PostAsync("/api/v1/patients", Json(body));
        ShouldNotExposeInternals(await response.ShouldFailAsync(HttpStatusCode.BadRequest));
        (await api.PatientIdsAsync(owner)).ShouldBe(before);
    }

    [Fact]
    public async Task A_body_over_one_mebibyte_is_a_413_problem()
    {
        var owner = await api.PracticeAsync();
        var before = await api.PatientIdsAsync(owner);
        var body = new JsonObject
        {
            ["firstName"] = new string('A', 2 * 1024 * 1024), ["lastName"] = "B", ["dateOfBirth"] = "1990-04-12", ["email"] = "a@example.com",
        };
        var response = await api.As(owner).PostAsync("/api/v1/patients", Json(body.ToJsonString()));
        await response.ShouldFailAsync(HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        (await api.PatientIdsAsync(owner)).ShouldBe(before);
    }

    [Fact]
    public async Task A_body_over_one_mebibyte_without_a_content_length_is_a_413_problem()
    {
        var owner = await api.PracticeAsync();
        var before = await api.PatientIdsAsync(owner);
        var body = """{"firstName":"A","lastName":"B","dateOfBirth":"1990-04-12","email":"a@example.com","alignerBrand":"""
                   + "\"" + new string('x', 2 * 1024 * 1024) + "\"}";
        var response = await api.As(owner).PostAsync("/api/v1/patients", new UnsizedContent(Encoding.UTF8.GetBytes(body)));
        await response.ShouldFailAsync(HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        (await api.PatientIdsAsync(owner)).ShouldBe(before);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/xml")]
    public async Task A_body_that_is_not_json_by_content_type_is_a_415_problem(string mediaType)
    {
        var owner = await api.PracticeAsync();
        var before = await api.PatientIdsAsync(owner);
        var response = await api.As(owner).PostAsync("/api/v1/patients", new StringContent(ValidPatient, Encoding.UTF8, mediaType));
        await response.ShouldFailAsync(HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        (await api.PatientIdsAsync(owner)).ShouldBe(before);
    }

    [Theory]
    [InlineData("bogus-8")]
    [InlineData("utf-99")]
    public async Task Json_in_a_charset_no_encoding_has_is_a_415_problem_not_a_500(string charset)
    {
        var owner = await api.PracticeAsync();
        var before = await api.PatientIdsAsync(owner);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(ValidPatient));
        content.Headers.TryAddWithoutValidation("Content-Type", $"application/json; charset={charset}");

        var response = await api.As(owner).PostAsync("/api/v1/patients", content);

        ShouldNotExposeInternals(await response.ShouldFailAsync(HttpStatusCode.UnsupportedMediaType, "unsupported-media-type"));
        (await api.PatientIdsAsync(owner)).ShouldBe(before);
    }

    [Theory]
    [InlineData("""{"currentStage": 5,""")]
    [InlineData("""{"currentStage": "five"}""")]
    [InlineData("""{"preferredLanguage": "klingon"}""")]
    [InlineData("")]
    public async Task A_malformed_patch_is_a_400_problem_and_leaves_the_patient_unchanged(string body)
    {
        var owner = await api.PracticeAsync();
        var id = (await api.AddPatientAsync(owner, "Grace", "Hopper")).Id;
        var before = await (await api.As(owner).GetAsync($"/api/v1/patients/{id}")).ShouldBeAsync<PatientDto>(HttpStatusCode.OK);

        var response = await api.As(owner).PatchAsync($"/api/v1/patients/{id}", Json(body));

        ShouldNotExposeInternals(await response.ShouldFailAsync(HttpStatusCode.BadRequest));
        var after = await (await api.As(owner).GetAsync($"/api/v1/patients/{id}")).ShouldBeAsync<PatientDto>(HttpStatusCode.OK);
        after.ShouldBe(before);
    }

    [Fact]
    public async Task A_practice_id_in_the_body_is_ignored_and_the_patient_lands_in_the_callers_practice()
    {
        var caller = await api.PracticeAsync();
        var other = await api.PracticeAsync("Other Practice");
        var body = JsonNode.Parse(ValidPatient)!.AsObject();
        body["practiceId"] = other.PracticeId.ToString();
        body["lastName"] = "Smuggled";

        var created = await (await api.As(caller).PostAsync("/api/v1/patients", Json(body.ToJsonString()))).ShouldBeAsync<PatientDto>(HttpStatusCode.Created);
        var id = created.Id;

        (await api.PatientIdsAsync(caller)).ShouldContain(id);
        await (await api.As(caller).GetAsync($"/api/v1/patients/{id}")).ShouldBeAsync<PatientDto>(HttpStatusCode.OK);

        (await api.PatientIdsAsync(other)).ShouldBeEmpty();
        await (await api.As(other).GetAsync($"/api/v1/patients/{id}")).ShouldFailAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task A_practice_id_in_a_patch_body_does_not_move_the_patient()
    {
        var caller = await api.PracticeAsync();
        var other = await api.PracticeAsync("Other Practice");
        var id = (await api.AddPatientAsync(caller)).Id;

        await (await api.As(caller).PatchAsJsonAsync($"/api/v1/patients/{id}", new { practiceId = other.PracticeId, currentStage = 3 }))
            .ShouldBeAsync<PatientDto>(HttpStatusCode.OK);

        await (await api.As(caller).GetAsync($"/api/v1/patients/{id}")).ShouldBeAsync<PatientDto>(HttpStatusCode.OK);
        await (await api.As(other).GetAsync($"/api/v1/patients/{id}")).ShouldFailAsync(HttpStatusCode.NotFound, "not-found");
        (await api.PatientIdsAsync(other)).ShouldBeEmpty();
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>A problem tells the caller what to fix, not how we are built.</summary>
    private static void ShouldNotExposeInternals(ProblemDto problem)
    {
        // The strict read refused any member a problem does not document, so the record holds the whole body.
        var text = ContractJson.Write(problem);
        text.ShouldNotContain("OrthoScan.", Case.Sensitive, text);
        text.ShouldNotContain("System.", Case.Sensitive, text);
    }

    /// <summary>Content that does not announce its length, as a chunked upload would.</summary>
    private sealed class UnsizedContent : HttpContent
    {
        private readonly byte[] _bytes;

        public UnsizedContent(byte[] bytes)
        {
            _bytes = bytes;
            Headers.ContentType = new("application/json");
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(_bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
