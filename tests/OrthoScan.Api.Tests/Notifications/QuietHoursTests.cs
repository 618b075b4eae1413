using OrthoScan.Api.Domain;
using OrthoScan.Api.Features.Notifications;
using OrthoScan.Api.Infrastructure.Notifications;
using Shouldly;

namespace OrthoScan.Api.Tests.Notifications;

/// <summary>Quiet hours and reminder times in the patient's own timezone, across daylight saving changes.</summary>
public sealed class QuietHoursTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly TimeOnly Nine = new(21, 0), Eight = new(8, 0);

    private static DateTime Utc(int y, int mo, int d, int h, int mi = 0) => new(y, mo, d, h, mi, 0, DateTimeKind.Utc);

    [Fact]
    public void A_time_outside_the_quiet_hours_stays_and_one_inside_waits_for_their_end_in_local_time()
    {
        QuietHours.NextAllowed(Utc(2026, 6, 10, 15), NewYork, Nine, Eight).ShouldBe(Utc(2026, 6, 10, 15), "11:00 in New York");
        QuietHours.NextAllowed(Utc(2026, 6, 11, 2), NewYork, Nine, Eight).ShouldBe(Utc(2026, 6, 11, 12), "22:00 waits for 08:00 EDT the next morning");
        QuietHours.NextAllowed(Utc(2026, 6, 11, 9), NewYork, Nine, Eight).ShouldBe(Utc(2026, 6, 11, 12), "05:00 waits for 08:00 the same morning");
        QuietHours.NextAllowed(Utc(2026, 6, 10, 17, 30), NewYork, new TimeOnly(13, 0), new TimeOnly(14, 0)).ShouldBe(Utc(2026, 6, 10, 18), "a window inside one day");
        QuietHours.NextAllowed(Utc(2026, 6, 11, 2), NewYork, Eight, Eight).ShouldBe(Utc(2026, 6, 11, 2), "equal start and end: no quiet hours");
    }

    [Fact]
    public void The_end_of_the_quiet_hours_follows_the_clocks_on_the_nights_they_change()
    {
        // 8 March 2026: New York springs forward at 02:00. 01:30 EST ends at 08:00 EDT (12:00 UTC), not 13:00.
        QuietHours.NextAllowed(Utc(2026, 3, 8, 6, 30), NewYork, Nine, Eight).ShouldBe(Utc(2026, 3, 8, 12));
        // Quiet hours ending at 02:30, a time that does not exist that night: they end at 03:00 EDT.
        QuietHours.NextAllowed(Utc(2026, 3, 8, 5), NewYork, new TimeOnly(22, 0), new TimeOnly(2, 30)).ShouldBe(Utc(2026, 3, 8, 7));
        // 1 November 2026: New York falls back. 23:00 EDT ends at 08:00 EST (13:00 UTC).
        QuietHours.NextAllowed(Utc(2026, 11, 1, 3), NewYork, Nine, Eight).ShouldBe(Utc(2026, 11, 1, 13));
    }

    [Fact]
    public void A_weekly_patients_reminders_come_a_week_after_their_last_scan_then_two_days_later_out_of_quiet_hours()
    {
        // Last scan Sunday 22 March 2026 at 21:00 CET (20:00 UTC); Berlin springs forward on 29 March.
        var plan = SendScanReminders.PlanFor(Utc(2026, 3, 22, 20), ScanFrequency.Weekly, Berlin, Nine, Eight, TimeSpan.FromDays(2));
        plan.DueOn.ShouldBe(new DateOnly(2026, 3, 29));
        plan.First.ShouldBe(Utc(2026, 3, 30, 6), "due at 22:00 CEST, in quiet hours: 08:00 CEST the next morning");
        plan.Second.ShouldBe(Utc(2026, 4, 1, 6));
        var monthly = SendScanReminders.PlanFor(Utc(2026, 3, 2, 10), ScanFrequency.Monthly, Berlin, Nine, Eight, TimeSpan.FromDays(2));
        monthly.First.ShouldBe(Utc(2026, 4, 1, 10), "30 days later, 12:00 CEST");
    }
}
