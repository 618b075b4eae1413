using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using CreatePlatformUser = OrthoScan.Api.Features.Auth.CreatePlatformUser;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.PlatformUsers;

/// <summary>What the create-platform-user command printed and answered.</summary>
public sealed record CommandRun(int ExitCode, string Output, string Error);

public static class PlatformUserFlows
{
    /// <summary>Runs the API binary's create-platform-user command in the test host, with its arguments as typed.</summary>
    public static async Task<CommandRun> RunCreatePlatformUserAsync(this ApiFactory api, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CreatePlatformUser.RunAsync(api.Services, args, output, error);
        return new CommandRun(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>The one-time code in the set-up link the command printed.</summary>
    public static string SetupCode(this CommandRun run)
    {
        run.ExitCode.ShouldBe(0, run.Error);
        var link = run.Output.Split('\n').Select(l => l.Trim()).Single(l => l.Contains("/accept-invitation/?code=", StringComparison.Ordinal));
        return link[(link.IndexOf("?code=", StringComparison.Ordinal) + "?code=".Length)..];
    }

    /// <summary>Creates a platform user with the command, then follows its link: password, TOTP enrolment, first sign-in.</summary>
    public static async Task<Session> CreatePlatformUserAsync(this ApiFactory api, string role)
    {
        var email = TestApi.UniqueEmail(role.Replace('_', '-'));
        var code = (await api.RunCreatePlatformUserAsync("--email", email, "--role", role)).SetupCode();
        var client = api.CreateClient();
        var accepted = await (await client.PostAsJsonAsync("/api/v1/auth/invitations/accept", new { code, password = TestApi.Password }))
            .ShouldBeAsync<MfaChallengeDto>(HttpStatusCode.OK);
        accepted.MfaRequired.ShouldBe(MfaStep.Enroll);
        var enrolled = await (await client.PostAsJsonAsync("/api/v1/auth/mfa/enroll", new { mfaToken = accepted.MfaToken })).ShouldBeAsync<MfaEnrollmentDto>(HttpStatusCode.OK);
        var session = new Session(Guid.Empty, Guid.Empty, email, TestApi.Password, enrolled.Secret, "", "");
        var tokens = await (await client.PostAsJsonAsync("/api/v1/auth/mfa/verify", new { mfaToken = accepted.MfaToken, code = TestApi.TotpCode(enrolled.Secret, session) }))
            .ShouldBeAsync<AccessGrantDto>(HttpStatusCode.OK);
        return session with { AccessToken = tokens.AccessToken, RefreshToken = tokens.RefreshToken.ShouldNotBeNull(), LastTotpStep = session.LastTotpStep };
    }
}
