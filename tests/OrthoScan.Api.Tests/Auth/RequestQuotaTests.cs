using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Scans;
using Shouldly;

namespace OrthoScan.Api.Tests.Auth;

/// <summary>
/// One signed-in person cannot take the API's capacity (OWASP API4): a stolen token or a runaway script gets its
/// per-minute budget and then 429 with Retry-After, whatever the number of its sign-ins, and nobody else is slowed.
/// On a host of its own with a small budget.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class RequestQuotaTests : IAsyncLifetime
{
    private const int PerMinute = 12;
    private readonly ApiFactory _api = new();

    public Task InitializeAsync()
    {
        _api.Settings["OrthoScan:Auth:RequestsPerMinutePerUser"] = PerMinute.ToString(CultureInfo.InvariantCulture);
        return _api.InitializeAsync();
    }

    public Task DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task Thirty_requests_of_one_doctor_at_once_get_exactly_the_budget_and_a_colleague_is_not_limited()
    {
        var owner = await _api.RegisterPracticeAsync("Quota Clinic");
        var doctor = await _api.AddMemberAsync(owner, "doctor");
        await WellInsideTheMinuteAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => _api.As(doctor).GetAsync("/api/v1/dashboard/feed")));

        answers.Count(a => a.StatusCode == HttpStatusCode.OK).ShouldBe(PerMinute);
        answers.Count(a => a.StatusCode == HttpStatusCode.TooManyRequests).ShouldBe(30 - PerMinute);
        var limited = answers.First(a => a.StatusCode == HttpStatusCode.TooManyRequests);
        (limited.Headers.RetryAfter?.Delta ?? TimeSpan.Zero).ShouldBeInRange(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        await limited.ShouldFailAsync(HttpStatusCode.TooManyRequests, "rate-limited");
        (await _api.As(owner).GetAsync("/api/v1/dashboard/feed")).StatusCode.ShouldBe(HttpStatusCode.OK, "the owner has a budget of their own");
    }

    [Fact]
    public async Task A_patient_has_one_budget_whatever_the_number_of_sign_ins()
    {
        var owner = await _api.RegisterPracticeAsync("Patient Quota Clinic");
        var firstPhone = await _api.PatientAppAsync(owner);
        await WellInsideTheMinuteAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _api.As(firstPhone.AccessToken).GetAsync("/api/v1/me/scans")));

        answers.Count(a => a.StatusCode == HttpStatusCode.OK).ShouldBe(PerMinute);
        answers.Count(a => a.StatusCode == HttpStatusCode.TooManyRequests).ShouldBe(20 - PerMinute);
    }

    // The budget is counted in whole-minute windows: a burst that straddled two would get two budgets.
    private static async Task WellInsideTheMinuteAsync()
    {
        var now = DateTime.UtcNow;
        if (now.Second >= 50) await Task.Delay(TimeSpan.FromSeconds(61 - now.Second));
    }
}
