using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using OrthoScan.Api.Infrastructure.Persistence;
using OrthoScan.Api.Tests.Auth;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;
using Role = OrthoScan.Api.Domain.Role;

namespace OrthoScan.Api.Tests.PlatformUsers;

/// <summary>`make run`'s seed also makes a demo finance user and a demo platform admin. On a host of its own, like DemoSeedTests.</summary>
[SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class DemoPlatformUserTests : IAsyncLifetime
{
    private readonly ApiFactory _api = new();

    public Task InitializeAsync() => _api.InitializeAsync();

    public Task DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task The_seed_makes_a_finance_and_an_admin_user_of_no_practice_once_prints_their_logins_and_they_enrol_mfa_to_sign_in()
    {
        using var first = new StringWriter();
        await DemoSeed.RunAsync(_api.Services, first);
        using var second = new StringWriter();
        await DemoSeed.RunAsync(_api.Services, second);

        // The same logins each run; only the demo patient's app code is fresh each time (DemoSeedTests).
        static string Logins(StringWriter output) =>
            string.Join('\n', output.ToString().Split('\n').Where(line => !line.StartsWith(DemoSeed.AppInvitationLinePrefix, StringComparison.Ordinal)));
        Logins(second).ShouldBe(Logins(first));
        first.ToString().ShouldContain($"finance         {DemoSeed.FinanceEmail}");
        first.ToString().ShouldContain($"platform admin  {DemoSeed.AdminEmail}");
        await using (var scope = _api.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            (await db.UserAccounts.Where(u => u.PlatformRole != null).Select(u => new { u.Email, u.PlatformRole }).ToListAsync())
                .ShouldBe([new { Email = DemoSeed.FinanceEmail, PlatformRole = (Role?)Role.Finance }, new { Email = DemoSeed.AdminEmail, PlatformRole = (Role?)Role.PlatformAdmin }], ignoreOrder: true);
            (await db.PracticeMembers.IgnoreQueryFilters().Join(db.UserAccounts, m => m.UserId, u => u.Id, (m, u) => u.PlatformRole).CountAsync(r => r != null)).ShouldBe(0);
        }

        foreach (var (email, claim) in new[] { (DemoSeed.FinanceEmail, "finance"), (DemoSeed.AdminEmail, "platform_admin") })
        {
            var challenge = await (await _api.LoginAsync(email, DemoSeed.Password)).ShouldBeAsync<MfaChallengeDto>(HttpStatusCode.OK);
            challenge.MfaRequired.ShouldBe(MfaStep.Enroll);
            var client = _api.CreateClient();
            var enrolled = await (await client.PostAsJsonAsync("/api/v1/auth/mfa/enroll", new { mfaToken = challenge.MfaToken })).ShouldBeAsync<MfaEnrollmentDto>(HttpStatusCode.OK);
            var tokens = await (await _api.VerifyMfaAsync(challenge.MfaToken, TestApi.TotpCode(enrolled.Secret))).ShouldBeAsync<AccessGrantDto>(HttpStatusCode.OK);
            var token = new JsonWebToken(tokens.AccessToken);
            token.GetClaim("role").Value.ShouldBe(claim);
            token.TryGetClaim("practice_id", out _).ShouldBeFalse();
        }
    }
}
