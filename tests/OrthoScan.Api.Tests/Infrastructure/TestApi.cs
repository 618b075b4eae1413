using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using OrthoScan.Api.Infrastructure.Http;
using OrthoScan.Api.Tests.Contract;
using OtpNet;
using Shouldly;

namespace OrthoScan.Api.Tests.Infrastructure;

/// <summary>A signed-in dashboard user as the tests drive it: tokens, and the TOTP secret to sign in again.</summary>
public sealed record Session(Guid UserId, Guid PracticeId, string Email, string Password, string TotpSecret, string AccessToken, string RefreshToken)
{
    public long LastTotpStep { get; set; }
}

public static class TestApi
{
    public const string Password = "correct-horse-battery-staple";
    public static readonly JsonSerializerOptions Json = CreateJson();

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ServiceSetup.ConfigureJson(options);
        return options;
    }

    public static string UniqueEmail(string who = "owner") => $"{who}.{Guid.NewGuid():N}@test.orthoscan.local";

    public static HttpClient As(this ApiFactory factory, string? accessToken)
    {
        var client = factory.CreateClient();
        if (accessToken is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    public static HttpClient As(this ApiFactory factory, Session session) => factory.As(session.AccessToken);

    /// <summary>Asserts the status and reads the body strictly as the contract record <typeparamref name="T"/>.</summary>
    public static async Task<T> ShouldBeAsync<T>(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, body);
        return ContractJson.Read<T>(body);
    }

    /// <summary>Asserts the status of a response that has no body (204, an accepted upload).</summary>
    public static async Task ShouldBeEmptyAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, body);
        body.ShouldBeEmpty();
    }

    /// <summary>Asserts an RFC 9457 problem with the given status (and type, when named), read strictly, and returns it.</summary>
    public static async Task<ProblemDto> ShouldFailAsync(this HttpResponseMessage response, HttpStatusCode status, string? typeSlug = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, body);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", body);
        body.ShouldNotContain("   at ", Case.Sensitive, "no stack trace in a problem");
        var problem = ContractJson.Read<ProblemDto>(body);
        problem.Status.ShouldBe((int)status, body);
        problem.Title.ShouldNotBeNullOrWhiteSpace();
        problem.Type.ShouldNotBeNullOrWhiteSpace();
        problem.TraceId.ShouldNotBeNullOrWhiteSpace();
        if (typeSlug is not null) problem.Type.ShouldEndWith("/" + typeSlug);
        problem.Errors?.ShouldAllBe(field => field.Value != null && field.Value.Count > 0, "each field in errors names what is wrong with it: " + body);
        return problem;
    }

    public static string TotpCode(string base32Secret, Session? session = null)
    {
        // A code whose step is after the last one used, so quick successive sign-ins in a test are not replays.
        var totp = new Totp(Base32Encoding.ToBytes(base32Secret));
        var now = DateTime.UtcNow;
        var step = now.Ticks / TimeSpan.TicksPerSecond / 30 - 62135596800L / 30;
        var useStep = session is null ? step : Math.Max(step, session.LastTotpStep + 1);
        if (useStep > step + 1) throw new InvalidOperationException("Out of fresh TOTP steps for this test; wait for the next step.");
        if (session is not null) session.LastTotpStep = useStep;
        return totp.ComputeTotp(DateTime.UnixEpoch.AddSeconds(useStep * 30));
    }

    /// <summary>Signs up a new practice and completes MFA enrolment: an owner session.</summary>
    public static async Task<Session> RegisterPracticeAsync(this ApiFactory factory, string practiceName = "Test Practice")
    {
        var email = UniqueEmail();
        var client = factory.CreateClient();
        var registered = await (await client.PostAsJsonAsync("/api/v1/auth/register",
            new { practiceName, ownerName = "Dr. Test Owner", email, password = Password })).ShouldBeAsync<RegistrationDto>(HttpStatusCode.Created);
        var enrolled = await (await client.PostAsJsonAsync("/api/v1/auth/mfa/enroll", new { mfaToken = registered.MfaToken })).ShouldBeAsync<MfaEnrollmentDto>(HttpStatusCode.OK);
        var session = new Session(registered.UserId, registered.PracticeId, email, Password, enrolled.Secret, "", "");
        var tokens = await (await client.PostAsJsonAsync("/api/v1/auth/mfa/verify", new { mfaToken = registered.MfaToken, code = TotpCode(enrolled.Secret, session) }))
            .ShouldBeAsync<AccessGrantDto>(HttpStatusCode.OK);
        return session with { AccessToken = tokens.AccessToken, RefreshToken = tokens.RefreshToken.ShouldNotBeNull(), LastTotpStep = session.LastTotpStep };
    }

    /// <summary>Owner invites a member of the given role, who accepts and enrols MFA.</summary>
    public static async Task<Session> AddMemberAsync(this ApiFactory factory, Session owner, string role)
    {
        var email = UniqueEmail(role);
        var invited = await (await factory.As(owner).PostAsJsonAsync("/api/v1/practice/invitations", new { email, name = "Member " + role, role }))
            .ShouldBeAsync<StaffInvitationDto>(HttpStatusCode.Created);
        var client = factory.CreateClient();
        var accepted = await (await client.PostAsJsonAsync("/api/v1/auth/invitations/accept",
            new { code = invited.InvitationCode, password = Password })).ShouldBeAsync<MfaChallengeDto>(HttpStatusCode.OK);
        var enrolled = await (await client.PostAsJsonAsync("/api/v1/auth/mfa/enroll", new { mfaToken = accepted.MfaToken })).ShouldBeAsync<MfaEnrollmentDto>(HttpStatusCode.OK);
        var session = new Session(Guid.Empty, owner.PracticeId, email, Password, enrolled.Secret, "", "");
        var tokens = await (await client.PostAsJsonAsync("/api/v1/auth/mfa/verify", new { mfaToken = accepted.MfaToken, code = TotpCode(enrolled.Secret, session) }))
            .ShouldBeAsync<AccessGrantDto>(HttpStatusCode.OK);
        return session with { AccessToken = tokens.AccessToken, RefreshToken = tokens.RefreshToken.ShouldNotBeNull(), LastTotpStep = session.LastTotpStep };
    }

    /// <summary>Creates a patient through the API (201) and answers it as the API does.</summary>
    public static async Task<PatientDto> AddPatientAsync(this ApiFactory factory, Session session, string firstName = "Ada", string lastName = "Lovelace") =>
        await (await factory.As(session).PostAsJsonAsync("/api/v1/patients", NewPatient(firstName, lastName))).ShouldBeAsync<PatientDto>(HttpStatusCode.Created);

    internal static object NewPatient(string firstName, string lastName) => new
    {
        firstName, lastName, dateOfBirth = "1990-04-12", email = "ada@example.com", totalStages = 20, currentStage = 2,
        preferredLanguage = "fr", timezone = "Europe/Paris",
    };
}
