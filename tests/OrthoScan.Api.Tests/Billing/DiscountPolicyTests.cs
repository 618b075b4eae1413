using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrthoScan.Api.Features.Billing;
using OrthoScan.Api.Infrastructure.Billing;
using Shouldly;
using static OrthoScan.Api.Infrastructure.Billing.DiscountPolicy;

namespace OrthoScan.Api.Tests.Billing;

public sealed class DiscountPolicyTests
{
    private static readonly DateTime Received = new(2026, 11, 10, 8, 30, 0, DateTimeKind.Utc);
    private static readonly IReadOnlyList<DiscountTier> Defaults = DiscountOptions.DefaultTiers;

    private static SessionTagging Untagged() => new(Guid.NewGuid(), Received, null);

    private static SessionTagging TaggedAfter(TimeSpan delay) => new(Guid.NewGuid(), Received, Received + delay);

    private static List<SessionTagging> Sessions(int tagged, int untagged) =>
        [.. Enumerable.Range(0, tagged).Select(_ => TaggedAfter(TimeSpan.FromHours(3))), .. Enumerable.Range(0, untagged).Select(_ => Untagged())];

    [Fact]
    public void Nothing_received_has_no_rate_and_no_discount()
    {
        var counts = Count([]);

        counts.ShouldBe(new Counts(0, 0));
        counts.Rate.ShouldBeNull();
        PercentFor(counts, Defaults).ShouldBe(0m);
    }

    [Theory]
    [InlineData(49, 51, 0)]
    [InlineData(50, 50, 5)]   // exactly 50 %
    [InlineData(74, 26, 5)]
    [InlineData(75, 25, 10)]  // exactly 75 %
    [InlineData(89, 11, 10)]
    [InlineData(90, 10, 15)]  // exactly 90 %
    [InlineData(100, 0, 15)]
    public void A_rate_exactly_on_a_tier_boundary_reaches_that_tier(int tagged, int untagged, decimal percent)
    {
        var counts = Count(Sessions(tagged, untagged));

        counts.ShouldBe(new Counts(tagged + untagged, tagged));
        PercentFor(counts, Defaults).ShouldBe(percent);
    }

    [Fact]
    public void A_boundary_that_is_no_finite_decimal_is_compared_exactly()
    {
        // 2 of 3 is 66.66...%: a tier at exactly that rate is reached, whatever the rounding of the quotient.
        var tiers = new List<DiscountTier> { new() { MinRatePercent = 200m / 3, DiscountPercent = 7 } };

        PercentFor(new Counts(3, 2), tiers).ShouldBe(7m);
        PercentFor(new Counts(300, 199), tiers).ShouldBe(0m);
    }

    [Fact]
    public void Quick_actions_without_a_complete_tag_set_count_as_received_but_never_as_tagged()
    {
        var counts = Count(Sessions(tagged: 0, untagged: 20));

        counts.ShouldBe(new Counts(20, 0));
        counts.Rate.ShouldBe(0m);
        PercentFor(counts, Defaults).ShouldBe(0m);
    }

    [Fact]
    public void A_tag_set_on_day_14_counts_and_one_on_day_15_does_not()
    {
        Count([TaggedAfter(TimeSpan.FromDays(14))]).Tagged.ShouldBe(1, "exactly 14 days after it was received");
        Count([TaggedAfter(TimeSpan.FromDays(14) - TimeSpan.FromSeconds(1))]).Tagged.ShouldBe(1);
        Count([TaggedAfter(TimeSpan.FromDays(14) + TimeSpan.FromSeconds(1))]).Tagged.ShouldBe(0);
        Count([TaggedAfter(TimeSpan.FromDays(15))]).Tagged.ShouldBe(0, "on day 15");
    }

    [Fact]
    public void A_session_with_two_tag_sets_counts_once_if_either_is_in_time()
    {
        var id = Guid.NewGuid();
        var twoInTime = new SessionTagging[] { new(id, Received, Received.AddDays(1)), new(id, Received, Received.AddDays(2)) };
        var other = Guid.NewGuid();
        var oneLate = new SessionTagging[] { new(other, Received, Received.AddDays(20)), new(other, Received, Received.AddDays(3)) };

        Count(twoInTime).ShouldBe(new Counts(1, 1));
        Count([.. twoInTime, .. oneLate]).ShouldBe(new Counts(2, 2));
        Count([new(other, Received, Received.AddDays(20)), new(other, Received, Received.AddDays(21))]).ShouldBe(new Counts(1, 0));
    }

    [Fact]
    public void The_latest_settled_period_is_the_calendar_month_utc_that_ended_15_days_ago()
    {
        static DateTime At(int year, int month, int day, int hour = 0, int second = 0) => new(year, month, day, hour, 0, second, DateTimeKind.Utc);

        BillingPeriod.LatestSettled(At(2026, 12, 16)).ShouldBe(new BillingPeriod(At(2026, 11, 1), At(2026, 12, 1)));
        BillingPeriod.LatestSettled(At(2026, 12, 15, 23, 0)).ShouldBe(new BillingPeriod(At(2026, 10, 1), At(2026, 11, 1)));
        BillingPeriod.LatestSettled(At(2027, 1, 16)).ShouldBe(new BillingPeriod(At(2026, 12, 1), At(2027, 1, 1)));
        BillingPeriod.LatestSettled(At(2027, 3, 16)).ShouldBe(new BillingPeriod(At(2027, 2, 1), At(2027, 3, 1)), "February has 28 days");
    }

    [Fact]
    public void Configured_tiers_replace_the_defaults_and_an_empty_list_keeps_them()
    {
        using var configured = Host(("OrthoScan:Discounts:Tiers:0:MinRatePercent", "60"), ("OrthoScan:Discounts:Tiers:0:DiscountPercent", "8"));
        using var defaults = Host();

        var tiers = configured.Services.GetRequiredService<IOptions<DiscountOptions>>().Value.EffectiveTiers;
        tiers.Select(t => (t.MinRatePercent, t.DiscountPercent)).ShouldBe([(60m, 8m)]);
        defaults.Services.GetRequiredService<IOptions<DiscountOptions>>().Value.EffectiveTiers
            .Select(t => (t.MinRatePercent, t.DiscountPercent)).ShouldBe([(50m, 5m), (75m, 10m), (90m, 15m)]);
    }

    [Theory]
    [InlineData("75", "10", "50", "5")]   // rates descending
    [InlineData("50", "10", "75", "5")]   // discounts descending
    [InlineData("50", "5", "50", "10")]   // the same rate twice
    [InlineData("0", "5", "75", "10")]    // a rate of 0
    [InlineData("50", "5", "101", "10")]  // a rate above 100
    [InlineData("50", "0", "75", "10")]   // a discount of 0
    public async Task Tiers_out_of_order_or_out_of_range_stop_the_host_from_starting(string rate0, string percent0, string rate1, string percent1)
    {
        using var host = Host(
            ("OrthoScan:Discounts:Tiers:0:MinRatePercent", rate0), ("OrthoScan:Discounts:Tiers:0:DiscountPercent", percent0),
            ("OrthoScan:Discounts:Tiers:1:MinRatePercent", rate1), ("OrthoScan:Discounts:Tiers:1:DiscountPercent", percent1));

        var e = await Should.ThrowAsync<OptionsValidationException>(() => host.StartAsync());
        e.Message.ShouldContain("OrthoScan:Discounts is invalid");
    }

    private static IHost Host(params (string Key, string Value)[] settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        builder.Services.AddDiscountPolicy(builder.Configuration);
        return builder.Build();
    }
}
