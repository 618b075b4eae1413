using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Http.Json;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Auth;

/// <summary>The MFA routes' own limits, on a host of its own: eight requests a minute per account.</summary>
[SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class MfaRateLimitTests : IAsyncLifetime
{
    private readonly ApiFactory _api = new();

    public Task InitializeAsync()
    {
        _api.Settings["OrthoScan:Auth:MfaRequestsPerMinutePerAccount"] = "8";
        return _api.InitializeAsync();
    }

    public Task DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task Verifying_is_limited_per_account_with_retry_after()
    {
        // Registration enrols and verifies once: that is 2 of the account's 8 MFA requests this minute.
        var owner = await _api.RegisterPracticeAsync();
        var mfaToken = await _api.PasswordStepAsync(owner);
        var wrong = AuthFlows.WrongCode(owner.TotpSecret);

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 8; i++) responses.Add(await _api.VerifyMfaAsync(mfaToken, wrong));

        var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        limited.Count.ShouldBe(2);
        await limited[0].ShouldFailAsync(HttpStatusCode.TooManyRequests, "rate-limited");
        var retryAfter = limited[0].Headers.RetryAfter?.Delta ?? throw new ShouldAssertException("429 without a Retry-After delay");
        retryAfter.ShouldBeInRange(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Enrolling_is_limited_per_account()
    {
        var registered = await (await _api.CreateClient().PostAsJsonAsync("/api/v1/auth/register", new
        {
            practiceName = "Enrol Flood", ownerName = "Dr. Flood", email = TestApi.UniqueEmail(), password = TestApi.Password,
        })).ShouldBeAsync<RegistrationDto>(HttpStatusCode.Created);
        var mfaToken = registered.MfaToken;

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++) statuses.Add((await _api.CreateClient().PostAsJsonAsync("/api/v1/auth/mfa/enroll", new { mfaToken })).StatusCode);

        statuses.ShouldBe([.. Enumerable.Repeat(HttpStatusCode.OK, 8), HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests]);
    }
}
