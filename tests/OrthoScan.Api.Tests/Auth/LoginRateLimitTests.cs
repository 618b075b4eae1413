using System.Diagnostics.CodeAnalysis;
using System.Net;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Auth;

/// <summary>Runs on a host of its own: the shared one raises the login limits so that other tests never meet them.</summary>
[SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class LoginRateLimitTests : IAsyncLifetime
{
    private readonly ApiFactory _api = new();

    public Task InitializeAsync()
    {
        _api.Settings["OrthoScan:Auth:LoginsPerMinutePerAccount"] = "5";
        // High, so that the per-account limit is the one met.
        _api.Settings["OrthoScan:Auth:LoginsPerMinutePerIp"] = "1000";
        return _api.InitializeAsync();
    }

    public Task DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task Login_flood_on_one_account_is_slowed_with_retry_after()
    {
        var owner = await _api.RegisterPracticeAsync();

        // The right password, so that the lockout after failures plays no part.
        var responses = new List<HttpResponseMessage>();
        for (var attempt = 0; attempt < 20; attempt++) responses.Add(await _api.LoginAsync(owner.Email, owner.Password));

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK || r.StatusCode == HttpStatusCode.TooManyRequests);
        var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        limited.ShouldNotBeEmpty("20 sign-ins in a row on one account were never limited");
        var first = limited[0];
        var retryAfter = first.Headers.RetryAfter?.Delta ?? throw new ShouldAssertException("429 without a Retry-After delay");
        retryAfter.ShouldBeGreaterThan(TimeSpan.Zero);
        retryAfter.ShouldBeLessThanOrEqualTo(TimeSpan.FromMinutes(1));
        await first.ShouldFailAsync(HttpStatusCode.TooManyRequests, "rate-limited");
    }
}
