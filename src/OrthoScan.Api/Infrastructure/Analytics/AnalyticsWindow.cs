namespace OrthoScan.Api.Infrastructure.Analytics;

/// <summary>
/// The span every analytics read model covers: whole UTC weeks, Monday first, the last one holding <c>now</c>;
/// <see cref="End"/> is exclusive. The dashboard's and the tagging analytics share it so their numbers line up.
/// </summary>
public sealed record AnalyticsWindow(DateOnly From, DateOnly To, int Weeks)
{
    public const int DefaultWeeks = 12;
    public const int MaxWeeks = 52;

    public DateTime Start => From.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
    public DateTime End => Start.AddDays(7 * Weeks);

    public static AnalyticsWindow Ending(DateTime now, int weeks)
    {
        var today = DateOnly.FromDateTime(now);
        var monday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        return new AnalyticsWindow(monday.AddDays(-7 * (weeks - 1)), monday.AddDays(6), weeks);
    }

    public string CacheKey => $"{From:yyyy-MM-dd}:{Weeks}";
}
