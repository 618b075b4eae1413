namespace OrthoScan.Api.Infrastructure;

public static class Time
{
    /// <summary>Now in UTC at PostgreSQL's precision (microseconds), so a value answered at once equals the one read back later.</summary>
    public static DateTime UtcNow(this TimeProvider clock)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - now.Ticks % 10, DateTimeKind.Utc);
    }

    public static DateOnly UtcToday(this TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
}
