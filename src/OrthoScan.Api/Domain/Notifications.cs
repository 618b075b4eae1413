namespace OrthoScan.Api.Domain;

/// <summary>How a notification reaches its recipient.</summary>
public enum NotificationChannel { Email, Sms, Push }

/// <summary>What a notification says; each has a text in every <see cref="PreferredLanguage"/>.</summary>
public enum NotificationTemplate { PatientInvitation, StaffInvitation, PasswordReset, NewMessage, ScanReminder, RetakeRequested, ScanReceived }

/// <summary>How an invitation code goes to the patient.</summary>
public enum InvitationDelivery { Sms, Email, None }

/// <summary>Skipped: no longer worth sending when its turn came (the message was read, the number texted STOP).</summary>
public enum NotificationStatus { Queued, Sent, Failed, Skipped }

/// <summary>
/// One notification in the outbox: written in the transaction of what caused it, then delivered by the
/// <c>notifications.deliver</c> job at least once, under its id as the provider's idempotency key, so a retry never reaches
/// the recipient twice. Its <see cref="Variables"/> may hold a one-time code or reset token: they are cleared once the
/// notification is sent or has failed for good.
/// </summary>
public sealed class Notification : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid PracticeId { get; set; }
    /// <summary>The patient it is for, or null for a member of the practice (or someone invited to be one).</summary>
    public Guid? PatientId { get; set; }
    public NotificationChannel Channel { get; set; }
    public NotificationTemplate Template { get; set; }
    public PreferredLanguage Language { get; set; }
    /// <summary>An email address, a phone number, or a device's push token.</summary>
    public required string Recipient { get; set; }
    /// <summary>The template's values (JSON object of strings): never clinical detail.</summary>
    public string Variables { get; set; } = "{}";
    public NotificationStatus Status { get; set; } = NotificationStatus.Queued;
    /// <summary>Which transport sent it (dev_mailbox, sendgrid, twilio, fcm) and the id it answered.</summary>
    public string? Provider { get; set; }
    public string? ProviderMessageId { get; set; }
    public string? LastError { get; set; }
    /// <summary>What makes it once: a second notification with the same key in the practice is not queued (a reminder per due date).</summary>
    public string? DedupeKey { get; set; }
    /// <summary>What it is about, when its sending depends on it (the message a new-message notice announces).</summary>
    public Guid? SubjectId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? SentAt { get; set; }
}

/// <summary>
/// A phone number that texted STOP to our Twilio number: no SMS goes to it until it texts START. Not tenant data: the
/// number opted out of our sender, whichever practice's patient it belongs to.
/// </summary>
public sealed class SmsOptOut
{
    public required string Phone { get; set; }
    public DateTime OptedOutAt { get; set; }
}

/// <summary>
/// What the embedded dev mailbox transport "sent": shown at /dev/mailbox when running locally, instead of a real email or SMS.
/// Not tenant data (it stands for the outside world), and never written when a real provider is configured.
/// </summary>
public sealed class DevMailboxMessage
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    /// <summary>The notification it delivers: one letter per notification, however often the job runs.</summary>
    public Guid NotificationId { get; set; }
    public NotificationChannel Channel { get; set; }
    public required string Recipient { get; set; }
    public string? Subject { get; set; }
    public required string Body { get; set; }
    public DateTime CreatedAt { get; set; }
}

public enum DevicePlatform { Ios, Android }

/// <summary>A patient's phone, registered by the app for push notifications (its FCM registration token).</summary>
public sealed class PushDevice : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid PracticeId { get; set; }
    public Guid PatientId { get; set; }
    public required string Token { get; set; }
    public DevicePlatform Platform { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>The last time the app registered it: the newest device is the one notices go to.</summary>
    public DateTime LastSeenAt { get; set; }
}
