using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrthoScan.Api.Infrastructure.Http;
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

    public static async Task<JsonNode> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) ?? throw new InvalidOperationException("Empty body");
    }

    public static async Task<JsonNode> ShouldBeAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, body);
        return body.Length == 0 ? new JsonObject() : JsonNode.Parse(body)!;
    }

    /// <summary>Asserts an RFC 9457 problem with the given status, and returns it.</summary>
    public static async Task<JsonNode> ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string? typeSlug = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, body);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", body);
        var problem = JsonNode.Parse(body)!;
        problem["status"]!.GetValue<int>().ShouldBe((int)status);
        problem["title"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        problem["type"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        problem["traceId"].ShouldNotBeNull();
        body.ShouldNotContain("   at ", Case.Sensitive, "no stack trace in a problem");
        if (typeSlug is not null) problem["type"]!.GetValue<string>().ShouldEndWith("/" + typeSlug);
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
            new { practiceName, ownerName = "Dr. Test Owner", email, password = Password })).ShouldBeAsync(HttpStatusCode.Created);
        var mfaToken = registered["mfaToken"]!.GetValue<string>();
        var enrolled = await (await client.PostAsJsonAsync("/api/v1/auth/mfa/enroll", new { mfaToken })).ShouldBeAsync(HttpStatusCode.OK);
        var secret = enrolled["secret"]!.GetValue<string>();
        var session = new Session(Guid.Parse(registered["userId"]!.GetValue<string>()), Guid.Parse(registered["practiceId"]!.GetValue<string>()),
            email, Password, secret, "", "");
        var tokens = await (await client.PostAsJsonAsync("/api/v1/auth/mfa/verify", new { mfaToken, code = TotpCode(secret, session) }))
            .ShouldBeAsync(HttpStatusCode.OK);
        return session with { AccessToken = tokens["accessToken"]!.GetValue<string>(), RefreshToken = tokens["refreshToken"]!.GetValue<string>(), LastTotpStep = session.LastTotpStep };
    }

    /// <summary>Owner invites a member of the given role, who accepts and enrols MFA.</summary>
    public static async Task<Session> AddMemberAsync(this ApiFactory factory, Session owner, string role)
    {
        var email = UniqueEmail(role);
        var invited = await (await factory.As(owner).PostAsJsonAsync("/api/v1/practice/invitations", new { email, name = "Member " + role, role }))
            .ShouldBeAsync(HttpStatusCode.Created);
        var client = factory.CreateClient();
        var accepted = await (await client.PostAsJsonAsync("/api/v1/auth/invitations/accept",
            new { code = invited["invitationCode"]!.GetValue<string>(), password = Password })).ShouldBeAsync(HttpStatusCode.OK);
        var mfaToken = accepted["mfaToken"]!.GetValue<string>();
        var enrolled = await (await client.PostAsJsonAsync("/api/v1/auth/mfa/enroll", new { mfaToken })).ShouldBeAsync(HttpStatusCode.OK);
        var secret = enrolled["secret"]!.GetValue<string>();
        var session = new Session(Guid.Empty, owner.PracticeId, email, Password, secret, "", "");
        var tokens = await (await client.PostAsJsonAsync("/api/v1/auth/mfa/verify", new { mfaToken, code = TotpCode(secret, session) }))
            .ShouldBeAsync(HttpStatusCode.OK);
        return session with { AccessToken = tokens["accessToken"]!.GetValue<string>(), RefreshToken = tokens["refreshToken"]!.GetValue<string>(), LastTotpStep = session.LastTotpStep };
    }

    public static async Task<JsonNode> CreatePatientAsync(this ApiFactory factory, Session session, string firstName = "Ada", string lastName = "Lovelace")
    {
        var response = await factory.As(session).PostAsJsonAsync("/api/v1/patients", new
        {
            firstName, lastName, dateOfBirth = "1990-04-12", email = "ada@example.com", totalStages = 20, currentStage = 2,
            preferredLanguage = "fr", timezone = "Europe/Paris",
        });
        return await response.ShouldBeAsync(HttpStatusCode.Created);
    }
}
