using System.Net;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Outages;

public static class OutageAssertions
{
    /// <summary>A dependency outage: 503 problem with a Retry-After the client can honour.</summary>
    public static async Task ShouldBeUnavailableAsync(this HttpResponseMessage response)
    {
        await response.ShouldFailAsync(HttpStatusCode.ServiceUnavailable, "service-unavailable");
        var retryAfter = response.Headers.RetryAfter?.Delta ?? throw new ShouldAssertException("503 without a Retry-After delay");
        retryAfter.ShouldBeInRange(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
    }

    /// <summary>/health/ready answers 503 and names the one dependency that is down.</summary>
    public static async Task ReadinessShouldReportDownAsync(this ApiFactory api, string down)
    {
        var response = await api.CreateClient().GetAsync("/health/ready");
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, body);
        var report = ContractJson.Read<HealthReportDto>(body);
        report.Checks.ShouldContainKey(down);
        foreach (var (name, state) in report.Checks) state.ShouldBe(name == down ? HealthState.Unhealthy : HealthState.Healthy, body);
    }

    /// <summary>Sends the request until it answers <paramref name="expected"/>: recovery without anyone restarting the API.</summary>
    public static async Task<HttpResponseMessage> EventuallyAsync(Func<Task<HttpResponseMessage>> send, HttpStatusCode expected, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var response = await send();
            if (response.StatusCode == expected) return response;
            ((int)response.StatusCode).ShouldBeOneOf([503, (int)expected], await response.Content.ReadAsStringAsync());
            if (DateTime.UtcNow > deadline) throw new ShouldAssertException($"Still {(int)response.StatusCode} after {within.TotalSeconds} s.");
            await Task.Delay(250);
        }
    }
}
