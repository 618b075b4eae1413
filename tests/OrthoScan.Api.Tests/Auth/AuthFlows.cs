using System.Net;
using System.Net.Http.Json;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OtpNet;
using Shouldly;

namespace OrthoScan.Api.Tests.Auth;

/// <summary>The sign-in calls as a client makes them, one step at a time, so a test can stop or cheat at any step.</summary>
public static class AuthFlows
{
    public static Task<HttpResponseMessage> LoginAsync(this ApiFactory api, string email, string password) =>
        api.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email, password });

    /// <summary>The password step for an account that has MFA on: answers the MFA token.</summary>
    public static async Task<string> PasswordStepAsync(this ApiFactory api, Session session)
    {
        var challenge = await (await api.LoginAsync(session.Email, session.Password)).ShouldBeAsync<MfaChallengeDto>(HttpStatusCode.OK);
        challenge.MfaRequired.ShouldBe(MfaStep.Verify);
        return challenge.MfaToken;
    }

    public static Task<HttpResponseMessage> VerifyMfaAsync(this ApiFactory api, string mfaToken, string code) =>
        api.CreateClient().PostAsJsonAsync("/api/v1/auth/mfa/verify", new { mfaToken, code });

    /// <summary>A full sign-in with a fresh TOTP code: answers the token pair.</summary>
    public static async Task<AccessGrantDto> SignInAsync(this ApiFactory api, Session session)
    {
        var mfaToken = await api.PasswordStepAsync(session);
        return await (await api.VerifyMfaAsync(mfaToken, TestApi.TotpCode(session.TotpSecret, session))).ShouldBeAsync<AccessGrantDto>(HttpStatusCode.OK);
    }

    public static Task<HttpResponseMessage> RefreshAsync(this ApiFactory api, string refreshToken, string? deviceId = null) =>
        api.CreateClient().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken, deviceId });

    /// <summary>A clinical-role endpoint: proves whether an access token is honoured.</summary>
    public static Task<HttpResponseMessage> ListPatientsAsync(this ApiFactory api, string? accessToken) =>
        api.As(accessToken).GetAsync("/api/v1/patients");

    /// <summary>A well-formed 6-digit code that the authenticator would not show at any step the server accepts now.</summary>
    public static string WrongCode(string base32Secret)
    {
        var totp = new Totp(Base32Encoding.ToBytes(base32Secret));
        var now = DateTime.UtcNow;
        var valid = Enumerable.Range(-3, 7).Select(steps => totp.ComputeTotp(now.AddSeconds(30 * steps))).ToHashSet();
        return Enumerable.Range(0, 10).Select(d => new string((char)('0' + d), 6)).First(code => !valid.Contains(code));
    }
}
