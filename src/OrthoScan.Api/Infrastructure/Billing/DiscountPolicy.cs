namespace OrthoScan.Api.Infrastructure.Billing;

/// <summary>
/// The tagging-rate discount of one billing period, as a pure function of what the practice received and tagged.
/// tagging rate = sessions received (processed to ready) in the period that got a complete tag set within
/// <see cref="TaggingWindow"/> of being received / sessions received in the period. A tag_sets row is a complete tag set
/// (TagSession refuses a review without every score); a review that moved a scan on without one (a quick action) does
/// not count. The discount is the highest tier whose rate the period reached; nothing received earns nothing.
/// </summary>
public static class DiscountPolicy
{
    /// <summary>A tag set counts when it is at most this long after the session was received (day 14 counts, day 15 does not).</summary>
    public static readonly TimeSpan TaggingWindow = TimeSpan.FromDays(14);

    /// <summary>
    /// A period's counts are final once every session received in it has had its whole window; the extra day covers reviews
    /// committing around the deadline and clocks that differ a little between instances.
    /// </summary>
    public static readonly TimeSpan SettlesAfter = TaggingWindow + TimeSpan.FromDays(1);

    /// <summary>
    /// One session received in the period and one of its complete tag sets (<see cref="TaggedAt"/>), or null when it has
    /// none (e.g. a quick action only): a session with n tag sets comes n times, and counts once.
    /// </summary>
    public sealed record SessionTagging(Guid SessionId, DateTime ReceivedAt, DateTime? TaggedAt);

    public sealed record Counts(int Received, int Tagged)
    {
        /// <summary>Tagged / received; null when nothing was received (no rate, not a rate of 0).</summary>
        public decimal? Rate => Received == 0 ? null : (decimal)Tagged / Received;
    }

    public static Counts Count(IEnumerable<SessionTagging> sessions)
    {
        var bySession = sessions.GroupBy(s => s.SessionId).ToList();
        var tagged = bySession.Count(session => session.Any(InTime));
        return new Counts(bySession.Count, tagged);
    }

    /// <summary>The discount of the highest tier reached, 0 below the first tier or when nothing was received.</summary>
    public static decimal PercentFor(Counts counts, IReadOnlyList<DiscountTier> tiers) =>
        counts.Received == 0
            ? 0
            // Compared as tagged * 100 >= tier * received, so a rate exactly on a boundary reaches it (no rounding of 2/3).
            : tiers.Where(t => counts.Tagged * 100m >= t.MinRatePercent * counts.Received).Select(t => t.DiscountPercent).DefaultIfEmpty(0).Max();

    private static bool InTime(SessionTagging s) => s.TaggedAt is { } at && at - s.ReceivedAt <= TaggingWindow;
}

/// <summary>
/// A billing period, [<see cref="Start"/>, <see cref="End"/>) in UTC. Practices have no subscription periods yet, so a
/// period is a calendar month in UTC; once subscriptions exist, a practice's own billing period takes its place.
/// </summary>
public sealed record BillingPeriod(DateTime Start, DateTime End)
{
    public static BillingPeriod CalendarMonthUtc(DateTime instant)
    {
        var start = new DateTime(instant.Year, instant.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        return new BillingPeriod(start, start.AddMonths(1));
    }

    /// <summary>The latest period whose counts are final at <paramref name="now"/>: it ended <see cref="DiscountPolicy.SettlesAfter"/> ago or more.</summary>
    public static BillingPeriod LatestSettled(DateTime now) => CalendarMonthUtc(CalendarMonthUtc(now - DiscountPolicy.SettlesAfter).Start.AddMonths(-1));
}

/// <summary>A period whose tagging rate is at least <see cref="MinRatePercent"/> earns <see cref="DiscountPercent"/> off.</summary>
public sealed class DiscountTier
{
    public required decimal MinRatePercent { get; set; }
    public required decimal DiscountPercent { get; set; }
}

/// <summary><c>OrthoScan:Discounts</c>: the tiers, lowest first. None configured means the defaults 50 % -> 5 %, 75 % -> 10 %, 90 % -> 15 %.</summary>
public sealed class DiscountOptions
{
    public const string Section = "OrthoScan:Discounts";

    public static IReadOnlyList<DiscountTier> DefaultTiers { get; } =
    [
        new() { MinRatePercent = 50, DiscountPercent = 5 },
        new() { MinRatePercent = 75, DiscountPercent = 10 },
        new() { MinRatePercent = 90, DiscountPercent = 15 },
    ];

    // Empty by default rather than holding the defaults: the configuration binder appends to a list it finds filled.
    public List<DiscountTier> Tiers { get; set; } = [];

    public IReadOnlyList<DiscountTier> EffectiveTiers => Tiers.Count > 0 ? Tiers : DefaultTiers;

    /// <summary>Each tier's rate and discount in (0, 100], both strictly rising from one tier to the next.</summary>
    internal bool IsValid()
    {
        var tiers = EffectiveTiers;
        return tiers.All(t => t.MinRatePercent is > 0 and <= 100 && t.DiscountPercent is > 0 and <= 100)
            && tiers.Zip(tiers.Skip(1)).All(p => p.First.MinRatePercent < p.Second.MinRatePercent && p.First.DiscountPercent < p.Second.DiscountPercent);
    }
}

public static class DiscountSetup
{
    public static IServiceCollection AddDiscountPolicy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DiscountOptions>()
            .Bind(configuration.GetSection(DiscountOptions.Section))
            .Validate(o => o.IsValid(), $"{DiscountOptions.Section} is invalid: each tier's MinRatePercent and DiscountPercent in (0, 100], both strictly ascending.")
            .ValidateOnStart();
        return services;
    }
}
