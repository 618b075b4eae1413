using Microsoft.Extensions.Options;

namespace OrthoScan.Api.Infrastructure.Notifications;

/// <summary>
/// Automatic notices to a patient (new messages, scan reminders): by push to their newest registered phone, else by the
/// channel their preferences allow (SMS, unless the number texted STOP, then email), in their language, never during their
/// quiet hours.
/// </summary>
public sealed class PatientNotices(AppDbContext db, NotificationOutbox outbox, IOptions<NotificationsOptions> options)
{
    /// <param name="pushOnly">For news worth a tap on the phone but not a text or an email (a scan arrived).</param>
    /// <returns>The notification queued; null when the patient cannot be reached outside the app, or the key was used.</returns>
    public async Task<Guid?> QueueAsync(
        Patient patient, NotificationTemplate template, DateTime now, string dedupeKey, CancellationToken ct, Guid? subjectId = null, bool pushOnly = false)
    {
        if (patient.Status != PatientStatus.Active || patient.ErasedAt is not null) return null;
        var device = await db.PushDevices.AsNoTracking().Where(d => d.PatientId == patient.Id)
            .OrderByDescending(d => d.LastSeenAt).Select(d => d.Token).FirstOrDefaultAsync(ct);
        var channel = device is not null ? NotificationChannel.Push : pushOnly ? null : await ChannelForAsync(patient, ct);
        if (channel is null) return null;
        var zone = QuietHours.Zone(patient.Timezone);
        var notBefore = QuietHours.NextAllowed(now, zone, patient.QuietHoursStart, patient.QuietHoursEnd);
        var values = new Dictionary<string, string> { ["link"] = options.Value.PatientAppUrl };
        var recipient = channel switch { NotificationChannel.Push => device!, NotificationChannel.Sms => patient.Phone!, _ => patient.Email! };
        return await outbox.QueueAsync(patient.PracticeId, patient.Id, channel.Value, template, patient.PreferredLanguage, recipient, values, ct,
            notBefore > now ? notBefore : null, dedupeKey, subjectId);
    }

    /// <summary>
    /// That a message from the practice (or the review's feedback) waits in the app: one notice a day in the patient's own
    /// calendar, since a conversation of ten messages is not ten texts.
    /// </summary>
    public Task<Guid?> QueueNewMessageAsync(Patient patient, Message message, CancellationToken ct)
    {
        var localDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(message.CreatedAt, QuietHours.Zone(patient.Timezone)));
        return QueueAsync(patient, NotificationTemplate.NewMessage, message.CreatedAt, $"new-message:{patient.Id}:{localDay:yyyy-MM-dd}", ct, message.Id);
    }

    /// <summary>Whether the number texted STOP to our Twilio number (and not START since).</summary>
    public static Task<bool> SmsStoppedAsync(AppDbContext db, string? phone, CancellationToken ct) =>
        phone is { Length: > 0 } ? db.SmsOptOuts.AnyAsync(o => o.Phone == phone, ct) : Task.FromResult(false);

    private async Task<NotificationChannel?> ChannelForAsync(Patient patient, CancellationToken ct)
    {
        if (patient.NotifyBySms && patient.Phone is { Length: > 0 } phone && !await SmsStoppedAsync(db, phone, ct))
            return NotificationChannel.Sms;
        if (patient.NotifyByEmail && patient.Email is { Length: > 0 }) return NotificationChannel.Email;
        return null;
    }
}
