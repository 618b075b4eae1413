using OrthoScan.Api.Features.Billing;
using OrthoScan.Api.Infrastructure.Billing;
using Shouldly;

namespace OrthoScan.Api.Tests.Billing;

/// <summary>The one invoice calculation the offline invoices and the next-invoice estimate share, and what the next tier needs.</summary>
public sealed class InvoiceCalculationTests
{
    private static readonly PlanOptions Starter = new() { MonthlyPriceMinor = 19_900, Currency = "usd" };

    [Theory]
    [InlineData(null, 0, 19_900)]
    [InlineData(0.0, 0, 19_900)]
    [InlineData(15.0, 2_985, 16_915)]
    [InlineData(12.5, 2_488, 17_412)] // 2487.5 rounds in the practice's favour
    [InlineData(100.0, 19_900, 0)]
    public void The_invoice_is_the_plan_price_less_the_granted_percent(double? percent, long discount, long total)
    {
        var amounts = InvoiceCalculation.For(Starter, percent is null ? null : (decimal)percent.Value);

        amounts.ShouldBe(new InvoiceCalculation.Amounts(19_900, discount, total, "usd"));
    }

    [Fact]
    public void A_free_plan_has_nothing_to_discount()
    {
        InvoiceCalculation.For(new PlanOptions { MonthlyPriceMinor = 0 }, 15).ShouldBe(new InvoiceCalculation.Amounts(0, 0, 0, "usd"));
    }

    [Theory]
    [InlineData(10, 4, 75, 4)] // 7.5 sessions round up to 8
    [InlineData(10, 9, 90, 0)]
    [InlineData(3, 1, 50, 1)]
    public void Sessions_to_the_next_tier_are_the_tagged_sessions_still_missing_at_the_current_count(int received, int tagged, int minRate, int missing)
    {
        var tier = new DiscountTier { MinRatePercent = minRate, DiscountPercent = 10 };

        SubscriptionView.SessionsToReach(tier, new DiscountPolicy.Counts(received, tagged)).ShouldBe(missing);
    }

    [Fact]
    public void Without_a_next_tier_or_without_scans_nothing_is_missing()
    {
        SubscriptionView.SessionsToReach(null, new DiscountPolicy.Counts(10, 10)).ShouldBeNull();
        SubscriptionView.SessionsToReach(new DiscountTier { MinRatePercent = 50, DiscountPercent = 5 }, new DiscountPolicy.Counts(0, 0)).ShouldBeNull();
    }
}
