namespace OrthoScan.Api.Infrastructure.Billing;

/// <summary>One subscription plan as configured: what it costs a month and how many active patients it allows.</summary>
public sealed class PlanOptions
{
    /// <summary>The Stripe price of the plan's monthly subscription; unused in offline billing.</summary>
    public string? StripePriceId { get; set; }
    /// <summary>Monthly price in minor units of <see cref="Currency"/> (cents for USD).</summary>
    public long MonthlyPriceMinor { get; set; }
    /// <summary>ISO 4217, lower case as Stripe writes it.</summary>
    public string Currency { get; set; } = "usd";
    /// <summary>Active patients the plan allows; null for no limit.</summary>
    public int? ActivePatientLimit { get; set; }
}

/// <summary>
/// <c>OrthoScan:Billing</c>: the plans of the existing tiers (trial, starter, professional, enterprise), keyed by tier.
/// A tier left out of configuration gets its default; a configured one replaces its default as a whole.
/// </summary>
public sealed class BillingOptions
{
    public const string Section = "OrthoScan:Billing";

    public static IReadOnlyDictionary<SubscriptionTier, PlanOptions> DefaultPlans { get; } = new Dictionary<SubscriptionTier, PlanOptions>
    {
        [SubscriptionTier.Trial] = new() { MonthlyPriceMinor = 0, ActivePatientLimit = 25 },
        [SubscriptionTier.Starter] = new() { MonthlyPriceMinor = 19_900, ActivePatientLimit = 100 },
        [SubscriptionTier.Professional] = new() { MonthlyPriceMinor = 49_900, ActivePatientLimit = 500 },
        [SubscriptionTier.Enterprise] = new() { MonthlyPriceMinor = 129_900, ActivePatientLimit = null },
    };

    // Empty by default rather than holding the defaults: the configuration binder merges into what it finds filled.
    public Dictionary<SubscriptionTier, PlanOptions> Plans { get; set; } = [];

    /// <summary>Days of free trial a new subscription starts with.</summary>
    public int TrialDays { get; set; } = 14;

    public PlanOptions PlanFor(SubscriptionTier tier) => Plans.TryGetValue(tier, out var plan) ? plan : DefaultPlans[tier];

    public IReadOnlyDictionary<SubscriptionTier, PlanOptions> EffectivePlans =>
        Enum.GetValues<SubscriptionTier>().ToDictionary(tier => tier, PlanFor);

    /// <summary>Prices not negative, currencies three letters, limits positive; one currency across plans, so sums of money add up.</summary>
    internal bool IsValid()
    {
        var plans = EffectivePlans.Values.ToList();
        return TrialDays is >= 0 and <= 90
            && plans.All(p => p.MonthlyPriceMinor >= 0 && p.Currency is { Length: 3 } && p.Currency.All(char.IsAsciiLetterLower)
                              && p.ActivePatientLimit is null or > 0)
            && plans.Select(p => p.Currency).Distinct().Count() == 1;
    }

    /// <summary>The one currency every plan is priced in (<see cref="IsValid"/>).</summary>
    public string Currency => PlanFor(SubscriptionTier.Starter).Currency;
}

public static class BillingSetup
{
    public static IServiceCollection AddBillingPlans(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BillingOptions>()
            .Bind(configuration.GetSection(BillingOptions.Section))
            .Validate(o => o.IsValid(), $"{BillingOptions.Section} is invalid: prices >= 0 in minor units, one three-letter lower-case currency for all plans, limits > 0, TrialDays 0-90.")
            .ValidateOnStart();
        return services;
    }
}
