using System.Diagnostics.CodeAnalysis;
using System.Net;
using OrthoScan.Api.Features.Billing;
using OrthoScan.Api.Infrastructure.Billing;
using OrthoScan.Api.Tests.Analytics;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.PlatformUsers;
using Shouldly;

namespace OrthoScan.Api.Tests.Billing;

/// <summary>
/// The forecast of this period's discount cost. On a host and database of its own, since it sums over every practice:
/// other tests' practices would be in its total.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class FinanceForecastTests : IAsyncLifetime
{
    private readonly ApiFactory _api = new();

    public Task InitializeAsync()
    {
        _api.Settings["role"] = "api";
        return _api.InitializeAsync();
    }

    public Task DisposeAsync() => _api.DisposeAsync();

    /// <summary>A practice on <paramref name="plan"/> that received <paramref name="received"/> scans so far this month and tagged <paramref name="tagged"/> of them.</summary>
    private async Task<Session> PracticeAsync(string plan, int received, int tagged, BillingPeriod month)
    {
        var owner = await _api.RegisterPracticeAsync($"Forecast {plan}");
        await _api.PlanAsync(owner.PracticeId, plan);
        var (me, patient) = (await _api.MemberIdAsync(owner), await _api.PatientAsync(owner));
        var soFar = month.Start + (DateTime.UtcNow - month.Start) / 2;
        for (var i = 0; i < received; i++)
        {
            var session = await _api.ProcessedSessionAsync(owner, patient, soFar);
            if (i < tagged) await _api.TaggedAsync(owner, session, me, soFar.AddMinutes(5));
        }
        // Last month's scans are last month's discount, not this one's.
        var lastMonth = await _api.ProcessedSessionAsync(owner, patient, month.Start.AddDays(-3));
        await _api.TaggedAsync(owner, lastMonth, me, month.Start.AddDays(-2));
        return owner;
    }

    [Fact]
    public async Task The_forecast_sums_each_practices_current_tier_of_its_own_plans_price_for_this_period_so_far()
    {
        var month = BillingPeriod.CalendarMonthUtc(DateTime.UtcNow);
        await PracticeAsync("professional", received: 4, tagged: 3, month); // 75 % -> 10 % of 499.00
        await PracticeAsync("enterprise", received: 2, tagged: 1, month);   // 50 % -> 5 % of 1299.00
        await PracticeAsync("starter", received: 3, tagged: 1, month);      // 33 % -> nothing
        await _api.RegisterPracticeAsync("Forecast nothing received");
        var finance = await _api.CreatePlatformUserAsync("finance");
        var admin = await _api.CreatePlatformUserAsync("platform_admin");

        var forecast = await (await _api.As(finance).GetAsync("/api/v1/admin/tagging-rates/forecast")).ShouldBeAsync<DiscountForecastDto>(HttpStatusCode.OK);

        forecast.ShouldBe(new DiscountForecastDto(month.Start, month.End, Practices: 2, AmountMinor: 4_990 + 6_495, Currency: "usd"));
        (await (await _api.As(admin).GetAsync("/api/v1/admin/tagging-rates/forecast")).ShouldBeAsync<DiscountForecastDto>(HttpStatusCode.OK)).ShouldBe(forecast);
    }
}
