using OrthoScan.Api.Infrastructure.Jobs;
using Shouldly;

namespace OrthoScan.Api.Tests.Jobs;

public sealed class RetryDelayTests
{
    private readonly JobsOptions _options = new() { BackoffBase = TimeSpan.FromSeconds(5), BackoffCap = TimeSpan.FromMinutes(10) };

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(3, 20)]
    [InlineData(8, 600)] // 640 s, capped
    [InlineData(1000, 600)]
    public void Doubles_from_the_base_up_to_the_cap_within_twenty_percent_jitter(int failedAttempt, double seconds)
    {
        _options.RetryDelay(failedAttempt, 0.0).ShouldBe(TimeSpan.FromSeconds(seconds * 0.8));
        _options.RetryDelay(failedAttempt, 0.5).ShouldBe(TimeSpan.FromSeconds(seconds));
        _options.RetryDelay(failedAttempt, 0.999999).ShouldBeLessThan(TimeSpan.FromSeconds(seconds * 1.2));
    }
}
