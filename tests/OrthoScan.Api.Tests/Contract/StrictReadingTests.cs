using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using OrthoScan.Api.Tests.Auth;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Contract;

/// <summary>
/// A contract change fails the tests: a real response body, changed in one place the way a refactoring of the API
/// would change it, no longer reads as its contract record. Each case also reads the untouched body first, so the
/// failure is down to that one change.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class StrictReadingTests(ApiFactory api)
{
    [Theory]
    [InlineData("renamed", "lastName", "surname")]
    [InlineData("left out", "alignerBrand", "alignerBrand")]
    [InlineData("added", "nickname", "nickname")]
    [InlineData("retyped", "currentStage", "currentStage")]
    [InlineData("null where the contract has a value", "firstName", "firstName")]
    [InlineData("an enum value renamed", "status", "status")]
    [InlineData("an enum value in another casing", "preferredLanguage", "preferredLanguage")]
    [InlineData("an enum value as a number", "scanFrequency", "scanFrequency")]
    [InlineData("an instant with an offset", "createdAt", "createdAt")]
    [InlineData("a date with a time", "dateOfBirth", "dateOfBirth")]
    public async Task A_patient_body_changed_in_one_field_fails_the_read_naming_the_field(string change, string member, string named)
    {
        var body = await RealPatientBodyAsync();
        ContractJson.Read<PatientDto>(body).LastName.ShouldBe("Lovelace");
        var changed = JsonNode.Parse(body)!.AsObject();
        switch (change)
        {
            case "renamed": changed[named] = changed[member]!.DeepClone(); changed.Remove(member); break;
            case "left out": changed.Remove(member); break;
            case "added": changed[member] = "Ada"; break;
            case "retyped": changed[member] = "2"; break;
            case "null where the contract has a value": changed[member] = null; break;
            case "an enum value renamed": changed[member] = "pending_invitation"; break;
            case "an enum value in another casing": changed[member] = "FR"; break;
            case "an enum value as a number": changed[member] = 0; break;
            case "an instant with an offset": changed[member] = "2026-01-01T01:00:00+01:00"; break;
            case "a date with a time": changed[member] = "1990-04-12T00:00:00Z"; break;
            default: throw new ArgumentOutOfRangeException(nameof(change), change, null);
        }

        var failure = await FailureOf(() => Respond(changed.ToJsonString()).ShouldBeAsync<PatientDto>(HttpStatusCode.OK));

        failure.Message.ShouldContain(nameof(PatientDto));
        failure.Message.ShouldContain(named);
    }

    [Fact]
    public async Task A_string_keyed_read_of_another_field_does_not_notice_a_rename_that_the_record_refuses()
    {
        var changed = JsonNode.Parse(await RealPatientBodyAsync())!.AsObject();
        changed["surname"] = changed["lastName"]!.DeepClone();
        changed.Remove("lastName");

        // What the tests did before: look up the field they assert on. The renamed field goes unnoticed.
        changed["firstName"]!.GetValue<string>().ShouldBe("Ada");
        Should.Throw<ShouldAssertException>(() => ContractJson.Read<PatientDto>(changed.ToJsonString())).Message.ShouldContain("surname");
    }

    [Fact]
    public async Task A_record_with_a_renamed_property_fails_to_read_the_real_response_naming_the_field()
    {
        var owner = await api.RegisterPracticeAsync();
        var body = await (await api.LoginAsync(owner.Email, owner.Password)).Content.ReadAsStringAsync();
        ContractJson.Read<MfaChallengeDto>(body).MfaRequired.ShouldBe(MfaStep.Verify);

        var failure = Should.Throw<ShouldAssertException>(() => ContractJson.Read<ChallengeWithRenamedToken>(body));

        failure.Message.ShouldContain($"does not read as {nameof(ChallengeWithRenamedToken)}");
        failure.Message.ShouldContain("'mfaToken' could not be mapped");
        failure.Message.ShouldContain("(at $.mfaToken)");
    }

    [Fact]
    public async Task A_validation_problem_reads_with_its_errors_and_an_undocumented_member_fails_it()
    {
        var response = await api.As(await api.RegisterPracticeAsync()).PostAsJsonAsync("/api/v1/patients", new { firstName = "" });
        var body = await response.Content.ReadAsStringAsync();
        (await Respond(body, HttpStatusCode.BadRequest).ShouldFailAsync(HttpStatusCode.BadRequest, "validation")).Errors.ShouldNotBeNull().ShouldContainKey("lastName");

        var extended = JsonNode.Parse(body)!.AsObject();
        extended["exception"] = "System.InvalidOperationException";
        var failure = await FailureOf(() => Respond(extended.ToJsonString(), HttpStatusCode.BadRequest).ShouldFailAsync(HttpStatusCode.BadRequest));
        failure.Message.ShouldContain("exception");

        var untraced = JsonNode.Parse(body)!.AsObject();
        untraced.Remove("traceId");
        (await FailureOf(() => Respond(untraced.ToJsonString(), HttpStatusCode.BadRequest).ShouldFailAsync(HttpStatusCode.BadRequest)))
            .Message.ShouldContain("traceId");
    }

    [Fact]
    public async Task A_problem_the_framework_writes_reads_without_detail_and_errors()
    {
        var problem = await (await api.CreateClient().GetAsync("/api/v1/nothing-here")).ShouldFailAsync(HttpStatusCode.NotFound, "not-found");

        problem.Detail.ShouldBeNull();
        problem.Errors.ShouldBeNull();
    }

    /// <summary><see cref="MfaChallengeDto"/> as it would read after someone renamed <c>MfaToken</c> on one side only.</summary>
    private sealed record ChallengeWithRenamedToken(MfaStep MfaRequired, string Token);

    /// <summary>The assertion failure a read raises (Shouldly's ThrowAsync passes a ShouldAssertException through instead).</summary>
    private static async Task<ShouldAssertException> FailureOf(Func<Task> read)
    {
        try
        {
            await read();
        }
        catch (ShouldAssertException failure)
        {
            return failure;
        }
        throw new ShouldAssertException("The read succeeded, but the body was changed so that it should fail.");
    }

    private async Task<string> RealPatientBodyAsync()
    {
        var owner = await api.RegisterPracticeAsync();
        var response = await api.As(owner).PostAsJsonAsync("/api/v1/patients", TestApi.NewPatient("Ada", "Lovelace"));
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        return await response.Content.ReadAsStringAsync();
    }

    private static HttpResponseMessage Respond(string body, HttpStatusCode status = HttpStatusCode.OK) => new(status)
    {
        Content = new StringContent(body, Encoding.UTF8, status == HttpStatusCode.OK ? "application/json" : "application/problem+json"),
    };
}
