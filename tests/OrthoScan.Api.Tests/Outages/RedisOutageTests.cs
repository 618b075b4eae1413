using System.Diagnostics.CodeAnalysis;
using System.Net;
using OrthoScan.Api.Tests.Auth;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Outages;

/// <summary>
/// Redis is stopped (killed) and started again under a running API: while it is down, what needs it answers 503 with
/// Retry-After (the token-revocation check and the sign-in limits fail closed), never 500; readiness names it; and
/// the API recovers by itself when it is back.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync.")]
public sealed class RedisOutageTests : IAsyncLifetime
{
    private readonly RedisProcess _redis = new();
    private readonly ApiFactory _api = new();

    public async Task InitializeAsync()
    {
        await _redis.StartAsync();
        _api.Settings["ConnectionStrings:Redis"] = _redis.ConnectionString;
        await _api.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task While_redis_is_down_requests_answer_503_and_recover_by_themselves()
    {
        var owner = await _api.RegisterPracticeAsync();
        await (await _api.As(owner).GetAsync("/api/v1/patients")).ShouldBeAsync<PageDto<PatientDto>>(HttpStatusCode.OK);

        await _redis.KillAsync();

        await (await _api.As(owner).GetAsync("/api/v1/patients")).ShouldBeUnavailableAsync();
        await (await _api.LoginAsync(owner.Email, owner.Password)).ShouldBeUnavailableAsync();
        await _api.ReadinessShouldReportDownAsync("redis");

        await _redis.StartAsync();

        await OutageAssertions.EventuallyAsync(() => _api.As(owner).GetAsync("/api/v1/patients"), HttpStatusCode.OK, TimeSpan.FromSeconds(15));
        var challenge = await (await _api.LoginAsync(owner.Email, owner.Password)).ShouldBeAsync<MfaChallengeDto>(HttpStatusCode.OK);
        challenge.MfaRequired.ShouldBe(MfaStep.Verify);
        (await _api.CreateClient().GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
