using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace OrthoScan.Api.Infrastructure.Notifications;

/// <summary>A notification ready to leave: its id is the provider's idempotency key.</summary>
public sealed record OutgoingNotification(Guid Id, NotificationChannel Channel, string Recipient, RenderedNotification Content);

/// <summary>A provider that sends on one channel.</summary>
public interface INotificationTransport
{
    /// <summary>Stored on the notification: dev_mailbox, sendgrid, twilio.</summary>
    string Name { get; }

    /// <returns>The provider's id for what it accepted.</returns>
    /// <exception cref="NotificationRejectedException">The provider refused this notification for good (a bad address): no retry can help.</exception>
    /// <exception cref="HttpRequestException">The provider failed or could not be reached: the job retries, with the same idempotency key.</exception>
    Task<string> SendAsync(OutgoingNotification notification, CancellationToken ct);
}

public sealed class NotificationRejectedException(string reason) : Exception(reason);

/// <summary>The transport for each channel, chosen by configuration: the real provider when it is set up, else the dev mailbox.</summary>
public sealed class NotificationTransports(IOptions<NotificationsOptions> options, IServiceProvider services)
{
    public INotificationTransport For(NotificationChannel channel) => channel switch
    {
        NotificationChannel.Email when options.Value.SendGrid.Enabled => services.GetRequiredService<SendGridTransport>(),
        NotificationChannel.Sms when options.Value.Twilio.Enabled => services.GetRequiredService<TwilioTransport>(),
        NotificationChannel.Push when options.Value.Fcm.Enabled => services.GetRequiredService<FcmTransport>(),
        _ => services.GetRequiredService<DevMailboxTransport>(),
    };
}

/// <summary>The embedded default: the letter lands in the database, once per notification, for /dev/mailbox.</summary>
public sealed class DevMailboxTransport(AppDbContext db, TimeProvider clock) : INotificationTransport
{
    public string Name => "dev_mailbox";

    public async Task<string> SendAsync(OutgoingNotification n, CancellationToken ct)
    {
        var (id, channel, subject) = (Guid.CreateVersion7(), n.Channel.ToString().ToLowerInvariant(),
            n.Channel == NotificationChannel.Sms ? null : n.Content.Subject);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO dev_mailbox (id, notification_id, channel, recipient, subject, body, created_at)
            VALUES ({id}, {n.Id}, {channel}, {n.Recipient}, {subject}, {n.Content.Body}, {clock.UtcNow()})
            ON CONFLICT (notification_id) DO NOTHING
            """, ct);
        return await db.DevMailbox.Where(m => m.NotificationId == n.Id).Select(m => m.Id.ToString()).SingleAsync(ct);
    }
}

/// <summary>Email through SendGrid's v3 mail send; the notification id rides along as a custom argument and idempotency key.</summary>
public sealed class SendGridTransport(HttpClient http, IOptions<NotificationsOptions> options) : INotificationTransport
{
    public string Name => "sendgrid";

    public async Task<string> SendAsync(OutgoingNotification n, CancellationToken ct)
    {
        var settings = options.Value.SendGrid;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(settings.ApiBase), "/v3/mail/send"))
        {
            Content = JsonContent.Create(new JsonObject
            {
                ["personalizations"] = new JsonArray(new JsonObject
                {
                    ["to"] = new JsonArray(new JsonObject { ["email"] = n.Recipient }),
                    ["custom_args"] = new JsonObject { ["notification_id"] = n.Id.ToString() },
                }),
                ["from"] = new JsonObject { ["email"] = settings.From, ["name"] = "OrthoScan" },
                ["subject"] = n.Content.Subject,
                ["content"] = new JsonArray(new JsonObject { ["type"] = "text/plain", ["value"] = n.Content.Body }),
                ["tracking_settings"] = new JsonObject { ["click_tracking"] = new JsonObject { ["enable"] = false } },
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.ApiKey);
        request.Headers.Add("Idempotency-Key", n.Id.ToString());
        using var response = await http.SendAsync(request, ct);
        await ProviderResponses.EnsureAcceptedAsync(response, "SendGrid", ct);
        return response.Headers.TryGetValues("X-Message-Id", out var ids) ? ids.First() : n.Id.ToString();
    }
}

/// <summary>SMS through Twilio's Messages resource (form-encoded, basic auth with the account SID and token).</summary>
public sealed class TwilioTransport(HttpClient http, IOptions<NotificationsOptions> options) : INotificationTransport
{
    public string Name => "twilio";

    public async Task<string> SendAsync(OutgoingNotification n, CancellationToken ct)
    {
        var settings = options.Value.Twilio;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(settings.ApiBase), $"/2010-04-01/Accounts/{settings.AccountSid}/Messages.json"))
        {
            Content = new FormUrlEncodedContent([new("To", n.Recipient), new("From", settings.From!), new("Body", n.Content.Body)]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.AccountSid}:{settings.AuthToken}")));
        request.Headers.Add("I-Twilio-Idempotency-Token", n.Id.ToString());
        using var response = await http.SendAsync(request, ct);
        await ProviderResponses.EnsureAcceptedAsync(response, "Twilio", ct);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(ct);
        return body?["sid"]?.GetValue<string>() ?? throw new HttpRequestException("Twilio accepted the message without a sid.");
    }
}

internal static class ProviderResponses
{
    /// <summary>
    /// 2xx passes; a refusal of this very message (400, 404, 413, 422: a bad address or body) is final; the rest (the provider
    /// down, busy, or our credentials refused) is worth retries, and ends among the owner's dead jobs when they run out.
    /// </summary>
    public static async Task EnsureAcceptedAsync(HttpResponseMessage response, string provider, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        var status = (int)response.StatusCode;
        if (status is 400 or 404 or 413 or 422)
        {
            var detail = await response.Content.ReadAsStringAsync(ct);
            throw new NotificationRejectedException($"{provider} refused it ({status}): {detail[..Math.Min(detail.Length, 300)]}");
        }
        throw new HttpRequestException($"{provider} answered {status}.", null, response.StatusCode);
    }
}
