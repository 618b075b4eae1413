using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Role = OrthoScan.Api.Domain.Role;
using OrthoScan.Api.Infrastructure.Persistence;
using OrthoScan.Api.Tests.Auth;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.PlatformUsers;

/// <summary>
/// Finance and platform-admin accounts come only from the API binary's create-platform-user command: a one-time
/// set-up link, a password, TOTP enrolment, and tokens with the platform role and no practice.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class PlatformUserTests(ApiFactory api)
{
    [Theory]
    [InlineData("finance", "finance")]
    [InlineData("platform_admin", "platform_admin")]
    public async Task The_command_creates_a_user_of_no_practice_who_sets_a_password_enrols_mfa_and_signs_in_with_the_platform_role(string role, string claim)
    {
        var user = await api.CreatePlatformUserAsync(role);

        var token = new JsonWebToken(user.AccessToken);
        token.GetClaim("role").Value.ShouldBe(claim);
        token.TryGetClaim("practice_id", out _).ShouldBeFalse("a platform user belongs to no practice");

        // A later sign-in asks for the enrolled TOTP, and refreshing keeps the role and the absence of a practice.
        var again = await api.SignInAsync(user);
        new JsonWebToken(again.AccessToken).GetClaim("role").Value.ShouldBe(claim);
        var refreshed = await (await api.RefreshAsync(again.RefreshToken.ShouldNotBeNull())).ShouldBeAsync<AccessGrantDto>(HttpStatusCode.OK);
        var refreshedToken = new JsonWebToken(refreshed.AccessToken);
        refreshedToken.GetClaim("role").Value.ShouldBe(claim);
        refreshedToken.TryGetClaim("practice_id", out _).ShouldBeFalse();

        await using var scope = api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var account = await db.UserAccounts.AsNoTracking().SingleAsync(u => u.Email == user.Email);
        account.PlatformRole.ShouldBe(role == "finance" ? Role.Finance : Role.PlatformAdmin);
        account.MfaEnabled.ShouldBeTrue();
        (await db.PracticeMembers.IgnoreQueryFilters().CountAsync(m => m.UserId == account.Id)).ShouldBe(0);
    }

    [Fact]
    public async Task The_set_up_link_works_once_and_signing_in_before_it_is_used_fails()
    {
        var email = TestApi.UniqueEmail("finance");
        var code = (await api.RunCreatePlatformUserAsync("--email", email, "--role", "finance")).SetupCode();
        await (await api.LoginAsync(email, TestApi.Password)).ShouldFailAsync(HttpStatusCode.Unauthorized, "invalid-credentials");

        var client = api.CreateClient();
        (await client.PostAsJsonAsync("/api/v1/auth/invitations/accept", new { code, password = TestApi.Password })).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await client.PostAsJsonAsync("/api/v1/auth/invitations/accept", new { code, password = "another-long-password-1" }))
            .ShouldFailAsync(HttpStatusCode.UnprocessableEntity, "invalid-invitation");

        var challenge = await (await api.LoginAsync(email, TestApi.Password)).ShouldBeAsync<MfaChallengeDto>(HttpStatusCode.OK);
        challenge.MfaRequired.ShouldBe(MfaStep.Enroll, "MFA enrolment is required at first sign-in");
    }

    [Theory]
    [InlineData("--email", "not-an-email", "--role", "finance")]
    [InlineData("--email", "{0}", "--role", "owner")]
    [InlineData("--email", "{0}", "--role", "doctor")]
    [InlineData("--email", "{0}", "--role", "patient")]
    [InlineData("--email", "{0}", "--role", "")]
    [InlineData("--email", "{0}", "--role", "finance", "--base-url", "javascript:alert(1)")]
    [InlineData("--email", "{0}")]
    [InlineData("--role", "finance")]
    [InlineData("--email", "{0}", "--role")]
    [InlineData("--email", "{0}", "--role", "finance", "--practice", "x")]
    public async Task Bad_arguments_exit_non_zero_with_a_clear_message_and_create_nothing(params string[] args)
    {
        var email = TestApi.UniqueEmail("bad");
        var run = await api.RunCreatePlatformUserAsync([.. args.Select(a => a.Replace("{0}", email, StringComparison.Ordinal))]);

        run.ExitCode.ShouldBe(2);
        run.Output.ShouldBeEmpty();
        run.Error.ShouldContain("usage: OrthoScan.Api create-platform-user --email EMAIL --role finance|platform_admin");
        await using var scope = api.Services.CreateAsyncScope();
        (await scope.ServiceProvider.GetRequiredService<AppDbContext>().UserAccounts.CountAsync(u => u.Email == email || u.Email == "not-an-email")).ShouldBe(0);
    }

    [Fact]
    public async Task A_bad_role_or_email_names_what_is_wrong()
    {
        var role = await api.RunCreatePlatformUserAsync("--email", TestApi.UniqueEmail("bad"), "--role", "owner");
        role.Error.ShouldContain("--role: Use --role finance or --role platform_admin.");
        var email = await api.RunCreatePlatformUserAsync("--email", "nobody", "--role", "finance");
        email.Error.ShouldContain("--email:");
    }

    [Fact]
    public async Task An_email_that_already_has_an_account_is_refused_and_the_account_is_unchanged()
    {
        var owner = await api.RegisterPracticeAsync();
        var run = await api.RunCreatePlatformUserAsync("--email", owner.Email.ToUpperInvariant(), "--role", "platform_admin");

        run.ExitCode.ShouldBe(1);
        run.Error.ShouldContain("already has an account");
        await using var scope = api.Services.CreateAsyncScope();
        var account = await scope.ServiceProvider.GetRequiredService<AppDbContext>().UserAccounts.AsNoTracking().SingleAsync(u => u.Email == owner.Email);
        account.PlatformRole.ShouldBeNull();
        await api.SignInAsync(owner);

        // A platform user who set a password already is not reissued a link either.
        var finance = await api.CreatePlatformUserAsync("finance");
        (await api.RunCreatePlatformUserAsync("--email", finance.Email, "--role", "finance")).ExitCode.ShouldBe(1);
    }

    [Fact]
    public async Task A_lost_link_is_replaced_by_running_the_command_again_and_the_old_one_stops_working()
    {
        var email = TestApi.UniqueEmail("admin");
        var first = (await api.RunCreatePlatformUserAsync("--email", email, "--role", "platform_admin")).SetupCode();
        var second = (await api.RunCreatePlatformUserAsync("--email", email, "--role", "platform_admin")).SetupCode();

        second.ShouldNotBe(first);
        var client = api.CreateClient();
        await (await client.PostAsJsonAsync("/api/v1/auth/invitations/accept", new { code = first, password = TestApi.Password }))
            .ShouldFailAsync(HttpStatusCode.UnprocessableEntity, "invalid-invitation");
        (await client.PostAsJsonAsync("/api/v1/auth/invitations/accept", new { code = second, password = TestApi.Password })).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Sign_up_never_creates_a_platform_user()
    {
        var owner = await api.RegisterPracticeAsync();
        new JsonWebToken(owner.AccessToken).GetClaim("role").Value.ShouldBe("owner");
        await using var scope = api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        (await db.UserAccounts.AsNoTracking().SingleAsync(u => u.Email == owner.Email)).PlatformRole.ShouldBeNull();
    }
}
