namespace OrthoScan.Api.Infrastructure.Notifications;

/// <summary>When something automatic may reach a patient: outside their quiet hours, in their own timezone (DST included).</summary>
public static class QuietHours
{
    /// <summary>The first instant at or after <paramref name="utc"/> outside the local window [start, end) (which may span midnight).</summary>
    public static DateTime NextAllowed(DateTime utc, TimeZoneInfo zone, TimeOnly start, TimeOnly end)
    {
        if (start == end) return utc;
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);
        var time = TimeOnly.FromDateTime(local);
        var quiet = start < end ? time >= start && time < end : time >= start || time < end;
        if (!quiet) return utc;
        var endDay = DateOnly.FromDateTime(local);
        if (start > end && time >= start) endDay = endDay.AddDays(1);
        return ToUtc(endDay.ToDateTime(end), zone);
    }

    /// <summary>A local wall time as UTC; one the clocks skip (spring forward) is taken as the first valid minute after it.</summary>
    public static DateTime ToUtc(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(1);
        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }

    /// <summary>The patient's IANA zone; one the system does not know (never accepted on input) counts as UTC.</summary>
    public static TimeZoneInfo Zone(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
}
