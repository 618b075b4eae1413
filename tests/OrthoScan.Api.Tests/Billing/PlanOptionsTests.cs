using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrthoScan.Api.Domain;
using OrthoScan.Api.Features.Billing;
using OrthoScan.Api.Infrastructure.Billing;
using Shouldly;

namespace OrthoScan.Api.Tests.Billing;

public sealed class PlanOptionsTests
{
    [Fact]
    public void Without_configuration_every_tier_has_its_default_plan_in_one_currency()
    {
        using var host = Host();
        var options = host.Services.GetRequiredService<IOptions<BillingOptions>>().Value;

        options.EffectivePlans.Keys.ShouldBe(Enum.GetValues<SubscriptionTier>(), ignoreOrder: true);
        options.PlanFor(SubscriptionTier.Trial).MonthlyPriceMinor.ShouldBe(0);
        options.PlanFor(SubscriptionTier.Enterprise).ActivePatientLimit.ShouldBeNull();
        options.Currency.ShouldBe("usd");
        options.TrialDays.ShouldBe(14);
    }

    [Fact]
    public void A_configured_plan_replaces_its_default_and_leaves_the_others()
    {
        using var host = Host(
            ("OrthoScan:Billing:Plans:Professional:StripePriceId", "price_pro_monthly"),
            ("OrthoScan:Billing:Plans:Professional:MonthlyPriceMinor", "59900"),
            ("OrthoScan:Billing:Plans:Professional:ActivePatientLimit", "750"));
        var options = host.Services.GetRequiredService<IOptions<BillingOptions>>().Value;

        var professional = options.PlanFor(SubscriptionTier.Professional);
        (professional.StripePriceId, professional.MonthlyPriceMinor, professional.ActivePatientLimit).ShouldBe(("price_pro_monthly", 59_900L, (int?)750));
        options.PlanFor(SubscriptionTier.Starter).MonthlyPriceMinor.ShouldBe(BillingOptions.DefaultPlans[SubscriptionTier.Starter].MonthlyPriceMinor);
    }

    [Theory]
    [InlineData("OrthoScan:Billing:Plans:Starter:MonthlyPriceMinor", "-1")]      // a negative price
    [InlineData("OrthoScan:Billing:Plans:Starter:Currency", "eur")]              // two currencies across plans
    [InlineData("OrthoScan:Billing:Plans:Starter:Currency", "US")]               // not an ISO 4217 code
    [InlineData("OrthoScan:Billing:Plans:Starter:ActivePatientLimit", "0")]      // a plan that admits nobody
    [InlineData("OrthoScan:Billing:TrialDays", "365")]
    public async Task A_plan_that_cannot_be_billed_stops_the_host_from_starting(string key, string value)
    {
        using var host = Host((key, value));

        var e = await Should.ThrowAsync<OptionsValidationException>(() => host.StartAsync());
        e.Message.ShouldContain("OrthoScan:Billing is invalid");
    }

    private static IHost Host(params (string Key, string Value)[] settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        builder.Services.AddBillingPlans(builder.Configuration);
        return builder.Build();
    }
}
