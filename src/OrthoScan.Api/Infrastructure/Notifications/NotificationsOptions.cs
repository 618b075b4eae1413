namespace OrthoScan.Api.Infrastructure.Notifications;

/// <summary>
/// <c>OrthoScan:Notifications</c>. Without a SendGrid key emails, and without Twilio credentials SMS, go to the embedded dev
/// mailbox (the database), shown at /dev/mailbox when <see cref="ExposeDevMailbox"/> is on.
/// </summary>
public sealed class NotificationsOptions
{
    public const string Section = "OrthoScan:Notifications";

    /// <summary>Where the dashboard answers: the base of password-reset and staff-invitation links.</summary>
    public string DashboardUrl { get; set; } = "http://127.0.0.1:5080";
    /// <summary>The patient app's link (opens the app, or its store page); invitations add the code (<see cref="PatientAppLink"/>).</summary>
    public string PatientAppUrl { get; set; } = "https://app.orthoscan.app/open";
    /// <summary>Serve the dev mailbox's letters (GET /api/v1/dev/mailbox): for local runs only; never with real recipients.</summary>
    public bool ExposeDevMailbox { get; set; }
    /// <summary>A scan still missing this long after it came due brings the second (and last) reminder for that due date.</summary>
    public TimeSpan SecondReminderAfter { get; set; } = TimeSpan.FromDays(2);
    /// <summary>Invitations one practice may send (SMS or email, patients and staff) per hour; more answer 429.</summary>
    public int InvitationsPerHourPerPractice { get; set; } = 100;
    /// <summary>Invitations one patient may be sent per hour (a code only shown, not sent, does not count).</summary>
    public int InvitationsPerHourPerPatient { get; set; } = 5;
    /// <summary>
    /// Tries of one delivery before it is dead-lettered (failed, listed among the owner's dead jobs). More than a job's
    /// usual <c>OrthoScan:Jobs:MaxAttempts</c> (5): at the default backoff (5 s doubling, 10 min cap) those span 60-90 s, so
    /// a provider outage of a minute and a bit lost notifications; 10 span 24-37 minutes.
    /// </summary>
    public int DeliveryAttempts { get; set; } = 10;
    public SendGridSettings SendGrid { get; set; } = new();
    public TwilioSettings Twilio { get; set; } = new();
    public FcmSettings Fcm { get; set; } = new();

    /// <summary>
    /// <see cref="PatientAppUrl"/> with <c>code=</c> added to its query (a query it has is kept): the app fills the
    /// invitation code in from it.
    /// </summary>
    public string PatientAppLink(string invitationCode) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(PatientAppUrl, "code", invitationCode);

    internal bool IsValid() =>
        SecondReminderAfter > TimeSpan.Zero && DeliveryAttempts >= 1 && InvitationsPerHourPerPractice >= 1 && InvitationsPerHourPerPatient >= 1 && Uri.TryCreate(DashboardUrl, UriKind.Absolute, out _) && Uri.TryCreate(PatientAppUrl, UriKind.Absolute, out _)
        && (!SendGrid.Enabled || (Uri.TryCreate(SendGrid.ApiBase, UriKind.Absolute, out _) && !string.IsNullOrWhiteSpace(SendGrid.From)))
        && (!Fcm.Enabled || (!string.IsNullOrWhiteSpace(Fcm.ProjectId) && !string.IsNullOrWhiteSpace(Fcm.PrivateKeyPem)
                             && Uri.TryCreate(Fcm.TokenUri, UriKind.Absolute, out _) && Uri.TryCreate(Fcm.ApiBase, UriKind.Absolute, out _)))
        && (!Twilio.Enabled || (Uri.TryCreate(Twilio.ApiBase, UriKind.Absolute, out _) && !string.IsNullOrWhiteSpace(Twilio.AuthToken)
                                && !string.IsNullOrWhiteSpace(Twilio.From)));
}

public sealed class SendGridSettings
{
    /// <summary>Empty: emails go to the dev mailbox.</summary>
    public string? ApiKey { get; set; }
    public string ApiBase { get; set; } = "https://api.sendgrid.com";
    public string From { get; set; } = "no-reply@orthoscan.app";
    public bool Enabled => !string.IsNullOrWhiteSpace(ApiKey);
}

public sealed class TwilioSettings
{
    /// <summary>Empty: SMS go to the dev mailbox.</summary>
    public string? AccountSid { get; set; }
    public string? AuthToken { get; set; }
    /// <summary>The sending number (E.164) or messaging service.</summary>
    public string? From { get; set; }
    public string ApiBase { get; set; } = "https://api.twilio.com";
    /// <summary>The inbound SMS webhook's public URL as configured at Twilio (signatures cover it); unset: the URL called.</summary>
    public string? WebhookUrl { get; set; }
    public bool Enabled => !string.IsNullOrWhiteSpace(AccountSid);
}

/// <summary>Firebase Cloud Messaging HTTP v1, authorised as a Google service account (its JSON key's fields).</summary>
public sealed class FcmSettings
{
    /// <summary>The service account's <c>client_email</c>; empty: push notices go to the dev mailbox.</summary>
    public string? ClientEmail { get; set; }
    /// <summary>The service account's <c>private_key</c> (PEM).</summary>
    public string? PrivateKeyPem { get; set; }
    public string? ProjectId { get; set; }
    public string TokenUri { get; set; } = "https://oauth2.googleapis.com/token";
    public string ApiBase { get; set; } = "https://fcm.googleapis.com";
    public bool Enabled => !string.IsNullOrWhiteSpace(ClientEmail);
}
