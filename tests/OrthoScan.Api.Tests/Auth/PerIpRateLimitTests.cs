using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Http.Json;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Auth;

/// <summary>
/// The per-IP limits of the anonymous routes that take a guessable secret, on a host of its own with a limit of three a
/// minute each (every test request comes from the same address). Each test sends garbage, so only the limit differs.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class PerIpRateLimitTests : IAsyncLifetime
{
    private readonly ApiFactory _api = new();

    public Task InitializeAsync()
    {
        _api.Settings["OrthoScan:Auth:LoginsPerMinutePerIp"] = "3";
        _api.Settings["OrthoScan:Auth:ActivationsPerMinutePerIp"] = "3";
        _api.Settings["OrthoScan:Auth:InvitationAcceptsPerMinutePerIp"] = "3";
        return _api.InitializeAsync();
    }

    public Task DisposeAsync() => _api.DisposeAsync();

    [Theory]
    [InlineData("/api/v1/auth/login", "invalid-credentials")]
    [InlineData("/api/v1/auth/patient/activate", "invalid-invitation")]
    [InlineData("/api/v1/auth/invitations/accept", "invalid-invitation")]
    public async Task The_fourth_guess_a_minute_from_one_address_is_refused_with_retry_after(string route, string refusal)
    {
        // The limits count in fixed windows of the clock minute: four guesses that straddle a minute's end fall in two windows.
        var intoMinute = DateTime.UtcNow.Second + DateTime.UtcNow.Millisecond / 1000.0;
        if (intoMinute > 50) await Task.Delay(TimeSpan.FromSeconds(61 - intoMinute));
        var statuses = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++)
        {
            // A different unknown account each time: the per-account limit and the lockout play no part.
            statuses.Add(await _api.CreateClient().PostAsJsonAsync(route, new
            {
                email = TestApi.UniqueEmail("guess"), password = TestApi.Password, code = $"GUESS{i}ABCDE", deviceId = "per-ip-limit-device-01",
            }));
        }

        foreach (var refused in statuses.Take(3))
            await refused.ShouldFailAsync(refusal == "invalid-credentials" ? HttpStatusCode.Unauthorized : HttpStatusCode.UnprocessableEntity, refusal);
        await statuses[3].ShouldFailAsync(HttpStatusCode.TooManyRequests, "rate-limited");
        (statuses[3].Headers.RetryAfter?.Delta ?? TimeSpan.Zero).ShouldBeGreaterThan(TimeSpan.Zero);
    }
}
