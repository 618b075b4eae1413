using System.Net;
using System.Net.Http.Json;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Notifications;

/// <summary>
/// The reminder sweep, run as the scheduler runs it: a job whose period is "now" (so a test sets the clock through it),
/// against patients of a practice of its own.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ScanReminderTests(ApiFactory api)
{
    private async Task<DateTime> EnrolledAtAsync(Session owner, Guid patientId)
    {
        await using var db = await Sql.OpenAsync(api.AppConnectionString, owner.PracticeId);
        return DateTime.SpecifyKind(await db.ScalarAsync<DateTime>("SELECT created_at FROM patients WHERE id = @p", ("p", patientId)), DateTimeKind.Utc);
    }

    /// <summary>Runs <paramref name="copies"/> sweeps with this period at once (two workers, two ticks) and waits for them.</summary>
    private async Task SweepAsync(DateTime period, int copies = 1)
    {
        await using var db = await Sql.OpenAsync(api.OwnerConnectionString);
        var ids = Enumerable.Range(0, copies).Select(_ => Guid.CreateVersion7()).ToList();
        foreach (var id in ids)
        {
            await db.ExecuteAsync("""
                INSERT INTO jobs (id, kind, payload, status, attempts, max_attempts, run_after, created_at)
                VALUES (@id, 'notifications.scan-reminders', jsonb_build_object('schedule', 'test', 'period', @period::text), 'queued', 0, 5, now(), now())
                """, ("id", id), ("period", period.ToString("O")));
        }
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await db.ScalarAsync<long>("SELECT count(*) FROM jobs WHERE id = ANY(@ids) AND status = 'succeeded'", ("ids", ids.ToArray())) < copies)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The reminder sweeps did not finish in 30 s.");
            await Task.Delay(200);
        }
    }

    private async Task<List<string>> RemindersAsync(Session owner, Guid patientId)
    {
        await using var db = await Sql.OpenAsync(api.AppConnectionString, owner.PracticeId);
        return await db.ColumnAsync($"SELECT dedupe_key FROM notifications WHERE patient_id = '{patientId}' AND template = 'scan_reminder' ORDER BY created_at");
    }

    [Fact]
    public async Task A_patient_whose_scan_came_due_gets_one_reminder_however_many_sweeps_run_at_once_then_a_second_and_no_more()
    {
        var (owner, patientId, phone, _, _) = await api.ReachablePatientAsync("Reminder Practice", withEmail: false);
        var due = (await EnrolledAtAsync(owner, patientId)).AddDays(7);
        var dueOn = DateOnly.FromDateTime(due);
        // Noon the day after the due date is past the first reminder's time (at most the next 08:00) and before the second's.
        var firstTick = due.Date.AddDays(1).AddHours(12);
        var secondTick = due.Date.AddDays(3).AddHours(12);

        await SweepAsync(due.AddMinutes(-1));
        (await RemindersAsync(owner, patientId)).ShouldBeEmpty("not due yet");

        await SweepAsync(firstTick, copies: 4);
        (await RemindersAsync(owner, patientId)).ShouldBe([$"scan-reminder:{patientId}:{dueOn:yyyy-MM-dd}:1"], "four sweeps at once, one reminder");
        var sms = (await api.LettersAsync(phone)).ShouldHaveSingleItem();
        sms.Body.ShouldBe("It is time for your next OrthoScan check-in with Reminder Practice. Open the app and take your photos: https://app.orthoscan.app/open");

        await SweepAsync(firstTick.AddHours(1));
        (await RemindersAsync(owner, patientId)).Count.ShouldBe(1, "the first reminder is sent once");
        await SweepAsync(secondTick, copies: 2);
        (await RemindersAsync(owner, patientId)).ShouldBe(
            [$"scan-reminder:{patientId}:{dueOn:yyyy-MM-dd}:1", $"scan-reminder:{patientId}:{dueOn:yyyy-MM-dd}:2"]);
        await SweepAsync(due.Date.AddDays(9));
        (await RemindersAsync(owner, patientId)).Count.ShouldBe(2, "two reminders per due date; none late");
        (await api.LettersAsync(phone, 2)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_reminder_due_in_the_night_waits_for_the_morning_in_the_patients_timezone()
    {
        var (owner, patientId, _, _, _) = await api.ReachablePatientAsync("Reminder Practice", withEmail: false, "Asia/Tokyo");
        var due = (await EnrolledAtAsync(owner, patientId)).AddDays(7);
        // 23:30 in Tokyo (14:30 UTC) on a day after the due time: in the quiet hours, so it waits for 08:00 (23:00 UTC).
        var night = due.Date.AddDays(1).AddHours(14).AddMinutes(30);
        await SweepAsync(night);

        await using var db = await Sql.OpenAsync(api.AppConnectionString, owner.PracticeId);
        var notification = await db.ScalarAsync<Guid>($"SELECT id FROM notifications WHERE patient_id = '{patientId}' AND template = 'scan_reminder'");
        await using var jobs = await Sql.OpenAsync(api.OwnerConnectionString);
        var runAfter = await jobs.ScalarAsync<DateTime>("SELECT run_after FROM jobs WHERE kind = 'notifications.deliver' AND payload->>'notificationId' = @n",
            ("n", notification.ToString()));
        runAfter.ToUniversalTime().ShouldBe(due.Date.AddDays(1).AddHours(23));
    }

    [Fact]
    public async Task A_paused_patient_or_one_who_scanned_is_not_reminded()
    {
        var (owner, patientId, _, _, _) = await api.ReachablePatientAsync("Reminder Practice", withEmail: false);
        var due = (await EnrolledAtAsync(owner, patientId)).AddDays(7);
        await (await api.As(owner).PatchAsJsonAsync($"/api/v1/patients/{patientId}", new { status = "paused" })).ShouldBeAsync<PatientDto>(HttpStatusCode.OK);
        await SweepAsync(due.Date.AddDays(1).AddHours(12));
        (await RemindersAsync(owner, patientId)).ShouldBeEmpty();
    }
}
