using System.Net;
using System.Net.Http.Json;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.DataRights;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Messaging;
using OrthoScan.Api.Tests.Scans;
using Shouldly;

namespace OrthoScan.Api.Tests.Notifications;

/// <summary>What reaches a patient outside the app when the practice writes, and the preferences that steer it.</summary>
[Collection(ApiCollection.Name)]
public sealed class PatientNoticeTests(ApiFactory api)
{
    private static object NoQuietHours(bool sms, bool email) => new { sms, email, quietHoursStart = "00:00", quietHoursEnd = "00:00" };

    [Fact]
    public async Task The_practices_message_is_announced_once_a_day_by_sms_without_its_words()
    {
        var (owner, patientId, phone, _, patient) = await api.ReachablePatientAsync("Notice Practice");
        await (await api.As(patient).PutAsJsonAsync("/api/v1/notifications/preferences", NoQuietHours(true, true))).ShouldBeAsync<NotificationPreferencesDto>(HttpStatusCode.OK);

        await api.WriteAsync(owner.AccessToken, patientId, "Your gingivitis looks better; keep brushing the lower incisors.");
        await api.WriteAsync(owner.AccessToken, patientId, "And wear the aligners 22 hours a day.");
        var notice = (await api.LettersAsync(phone)).ShouldHaveSingleItem();
        notice.Body.ShouldBe("You have a new message from your orthodontist. Read it in the OrthoScan app: https://app.orthoscan.app/open");
        await api.DeliveriesSettledAsync();
        (await api.MailboxAsync(phone)).Count.ShouldBe(1, "one notice a day, however many messages");

        await api.WriteAsync(patient, null, "Thanks!");
        await api.DeliveriesSettledAsync();
        (await api.MailboxAsync(phone)).Count.ShouldBe(1, "the patient's own messages announce nothing to them");
    }

    [Fact]
    public async Task Preferences_steer_the_channel_and_a_notice_waiting_for_quiet_hours_to_end_is_dropped_when_the_message_was_read()
    {
        var (owner, patientId, phone, email, patient) = await api.ReachablePatientAsync("Notice Practice");
        var defaults = await (await api.As(patient).GetAsync("/api/v1/notifications/preferences")).ShouldBeAsync<NotificationPreferencesDto>(HttpStatusCode.OK);
        defaults.ShouldBe(new NotificationPreferencesDto(true, true, new TimeOnly(21, 0), new TimeOnly(8, 0), false));

        var emailOnly = await (await api.As(patient).PutAsJsonAsync("/api/v1/notifications/preferences", NoQuietHours(false, true)))
            .ShouldBeAsync<NotificationPreferencesDto>(HttpStatusCode.OK);
        emailOnly.Sms.ShouldBeFalse();
        await api.WriteAsync(owner.AccessToken, patientId, "Please send a new photo of the left side.");
        (await api.LettersAsync(email!)).ShouldHaveSingleItem().Subject.ShouldBe("New message from Notice Practice");
        (await api.MailboxAsync(phone)).ShouldBeEmpty();

        // Quiet hours around now: the next notice waits; the patient reads the message first; it is dropped.
        var (quietFrom, quietTo) = (DateTime.UtcNow.AddHours(-2).ToString("HH:mm"), DateTime.UtcNow.AddHours(2).ToString("HH:mm"));
        await (await api.As(patient).PutAsJsonAsync("/api/v1/notifications/preferences", new { sms = true, email = true, quietHoursStart = quietFrom, quietHoursEnd = quietTo }))
            .ShouldBeAsync<NotificationPreferencesDto>(HttpStatusCode.OK);
        await using var db = await Sql.OpenAsync(api.AppConnectionString, owner.PracticeId);
        await db.ExecuteAsync("UPDATE notifications SET dedupe_key = dedupe_key || ':yesterday' WHERE patient_id = @p", ("p", patientId));
        var message = await api.WriteAsync(owner.AccessToken, patientId, "Your next appointment is on Monday.");
        var waiting = await db.ScalarAsync<Guid>("SELECT id FROM notifications WHERE subject_id = @m", ("m", message.Id));
        (await (await api.As(patient).PatchAsync($"/api/v1/messages/{message.Id}/read", null)).ShouldBeAsync<MessageDto>(HttpStatusCode.OK)).ReadAt.ShouldNotBeNull();
        await using (var jobs = await Sql.OpenAsync(api.OwnerConnectionString))
            await jobs.ExecuteAsync("UPDATE jobs SET run_after = now() WHERE kind = 'notifications.deliver' AND payload->>'notificationId' = @n", ("n", waiting.ToString()));
        await api.DeliveriesSettledAsync();
        (await db.ScalarAsync<string>("SELECT status || ': ' || last_error FROM notifications WHERE id = @n", ("n", waiting)))
            .ShouldBe("skipped: The message was read in the app first.");
        (await api.MailboxAsync(phone)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Only_the_patient_reads_and_changes_their_preferences_and_every_field_is_required()
    {
        var (owner, _, _, _, patient) = await api.ReachablePatientAsync("Notice Practice");
        await (await api.As(owner).GetAsync("/api/v1/notifications/preferences")).ShouldFailAsync(HttpStatusCode.Forbidden);
        await (await api.As(owner).PutAsJsonAsync("/api/v1/notifications/preferences", NoQuietHours(true, true))).ShouldFailAsync(HttpStatusCode.Forbidden);
        var problem = await (await api.As(patient).PutAsJsonAsync("/api/v1/notifications/preferences", new { sms = true })).ShouldFailAsync(HttpStatusCode.BadRequest, "validation");
        problem.Errors.ShouldNotBeNull().Keys.ShouldBe(["email", "quietHoursStart", "quietHoursEnd"], ignoreOrder: true);
        await (await api.As(patient).PutAsJsonAsync("/api/v1/notifications/preferences", new { sms = true, email = true, quietHoursStart = "25:00", quietHoursEnd = "08:00" }))
            .ShouldFailAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_scan_that_needs_retakes_asks_for_them_without_saying_why_and_an_arrived_scan_is_told_only_by_push()
    {
        var (owner, patientId, phone, _, token) = await api.ReachablePatientAsync("Retake Practice");
        await api.NoQuietHoursAsync(token);
        var app = new PatientApp(patientId, token);
        var same = ScanFlow.Photo(807);
        var scan = await api.SendScanAndWaitAsync(app, view => view is "buccal_l" or "buccal_r" ? same : ScanFlow.Photo(810 + Array.IndexOf(ScanFlow.Views, view)));
        scan.Status.ShouldBe(ScanSessionStatus.NeedsRetake);

        var ask = (await api.LettersAsync(phone)).ShouldHaveSingleItem();
        ask.Channel.ShouldBe(NotificationChannel.Sms);
        ask.Body.ShouldStartWith("Some photos of your latest OrthoScan check-in need to be taken again. Open the app to see which:");
        foreach (var detail in new[] { "duplicate", "buccal", "blur", "dark" }) ask.Body.ShouldNotContain(detail, Case.Insensitive);

        // Retaken, the scan arrives: no text or email for that, only a push where the app is registered.
        (await api.UploadAsync(app, scan.Id, "buccal_l", ScanFlow.Photo(841))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await api.UploadAsync(app, scan.Id, "buccal_r", ScanFlow.Photo(842))).StatusCode.ShouldBe(HttpStatusCode.OK);
        await api.SubmitScanAsync(app, scan.Id);
        (await api.WaitUntilProcessedAsync(token, scan.Id)).Status.ShouldBe(ScanSessionStatus.Ready);
        await api.DeliveriesSettledAsync();
        (await api.MailboxAsync(phone)).ShouldHaveSingleItem("no SMS for an arrived scan");

        var device = "push-" + Guid.NewGuid().ToString("N");
        (await api.As(token).PostAsJsonAsync("/api/v1/notifications/devices", new { token = device, platform = "android" })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var next = await api.SendScanAndWaitAsync(app, view => ScanFlow.Photo(850 + Array.IndexOf(ScanFlow.Views, view)));
        next.Status.ShouldBe(ScanSessionStatus.Ready);
        var push = (await api.LettersAsync(device)).ShouldHaveSingleItem();
        push.Channel.ShouldBe(NotificationChannel.Push);
        push.Subject.ShouldBe("Retake Practice received your check-in");
    }

    [Fact]
    public async Task The_reviews_feedback_is_announced_like_a_message_from_the_practice()
    {
        var (owner, patientId, phone, _, token) = await api.ReachablePatientAsync("Feedback Notice Practice");
        await api.NoQuietHoursAsync(token);
        var scan = await api.SendScanAndWaitAsync(new PatientApp(patientId, token));
        await api.TagAsync(owner, scan.Id);

        await api.FeedbackDeliveredAsync(owner.AccessToken, patientId);
        var notice = (await api.LettersAsync(phone)).ShouldHaveSingleItem();
        notice.Channel.ShouldBe(NotificationChannel.Sms);
        notice.Body.ShouldStartWith("You have a new message from your orthodontist.");
    }
}
