using System.Text.Json;
using OrthoScan.Api.Infrastructure.Jobs;

namespace OrthoScan.Api.Infrastructure.Notifications;

/// <summary>
/// Queues notifications in the caller's transaction: the notification and its delivery job are written by the caller's
/// SaveChanges, so a notification exists exactly when what caused it was committed.
/// </summary>
public sealed class NotificationOutbox(AppDbContext db, IJobQueue jobs, TimeProvider clock)
{
    public const string DeliverKind = "notifications.deliver";

    /// <param name="values">The template's values (<see cref="NotificationTemplates.Variables"/>); rendered now to fail early on a missing one.</param>
    public async Task<Guid> QueueAsync(
        Guid practiceId, Guid? patientId, NotificationChannel channel, NotificationTemplate template, PreferredLanguage language, string recipient,
        IReadOnlyDictionary<string, string> values, CancellationToken ct)
    {
        NotificationTemplates.Render(template, language, values);
        var notification = new Notification
        {
            PracticeId = practiceId, PatientId = patientId, Channel = channel, Template = template, Language = language, Recipient = recipient,
            Variables = JsonSerializer.Serialize(values), CreatedAt = clock.UtcNow(),
        };
        db.Notifications.Add(notification);
        await jobs.EnqueueAsync(DeliverKind, new DeliverPayload(practiceId, notification.Id), cancellationToken: ct);
        return notification.Id;
    }

    private sealed record DeliverPayload(Guid PracticeId, Guid NotificationId);
}

public static class NotificationsSetup
{
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NotificationsOptions>().Bind(configuration.GetSection(NotificationsOptions.Section))
            .Validate(o => o.IsValid(), $"{NotificationsOptions.Section} is invalid: absolute DashboardUrl and PatientAppUrl; with SendGrid:ApiKey an absolute ApiBase and a From; with Twilio:AccountSid an AuthToken, a From and an absolute ApiBase.")
            .ValidateOnStart();
        services.AddScoped<NotificationOutbox>();
        services.AddScoped<NotificationTransports>();
        services.AddScoped<DevMailboxTransport>();
        services.AddHttpClient<SendGridTransport>(c => c.Timeout = TimeSpan.FromSeconds(20));
        services.AddHttpClient<TwilioTransport>(c => c.Timeout = TimeSpan.FromSeconds(20));
        return services;
    }
}
