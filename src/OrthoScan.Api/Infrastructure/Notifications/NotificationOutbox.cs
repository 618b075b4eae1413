using System.Text.Json;
using Microsoft.Extensions.Options;
using OrthoScan.Api.Infrastructure.Jobs;

namespace OrthoScan.Api.Infrastructure.Notifications;

/// <summary>
/// Queues notifications in the caller's transaction: the notification and its delivery job are written by the caller's
/// SaveChanges, so a notification exists exactly when what caused it was committed.
/// </summary>
public sealed class NotificationOutbox(AppDbContext db, IJobQueue jobs, IOptions<NotificationsOptions> options, TimeProvider clock)
{
    public const string DeliverKind = "notifications.deliver";

    private (Guid Id, string Name)? _practice;

    /// <param name="values">
    /// The template's values (<see cref="NotificationTemplates.Variables"/>), checked now to fail early on a missing one;
    /// the practice's name is added here.
    /// </param>
    /// <param name="notBefore">Not delivered before this instant (quiet hours); by default as soon as it is committed.</param>
    /// <param name="dedupeKey">Queued only if the practice has no notification with this key yet (the caller holds a transaction).</param>
    /// <returns>The notification's id; null when one with <paramref name="dedupeKey"/> exists.</returns>
    public async Task<Guid?> QueueAsync(
        Guid practiceId, Guid? patientId, NotificationChannel channel, NotificationTemplate template, PreferredLanguage language, string recipient,
        IReadOnlyDictionary<string, string> values, CancellationToken ct, DateTime? notBefore = null, string? dedupeKey = null, Guid? subjectId = null)
    {
        if (NotificationTemplates.Variables[template].Contains("practice"))
            values = new Dictionary<string, string>(values) { ["practice"] = await PracticeNameAsync(practiceId, ct) };
        NotificationTemplates.RequireValues(template, values);
        if (dedupeKey is not null)
        {
            await db.LockForTransactionAsync(LockSpace.Named, $"notification:{practiceId}:{dedupeKey}", ct);
            if (await db.Notifications.AnyAsync(n => n.PracticeId == practiceId && n.DedupeKey == dedupeKey, ct)) return null;
        }
        var notification = new Notification
        {
            PracticeId = practiceId, PatientId = patientId, Channel = channel, Template = template, Language = language, Recipient = recipient,
            Variables = JsonSerializer.Serialize(values), DedupeKey = dedupeKey, SubjectId = subjectId, CreatedAt = clock.UtcNow(),
        };
        db.Notifications.Add(notification);
        await jobs.EnqueueAsync(DeliverKind, new DeliverPayload(practiceId, notification.Id), notBefore, options.Value.DeliveryAttempts, ct);
        return notification.Id;
    }

    /// <summary>Read once per scope: a reminder sweep queues many notices of one practice.</summary>
    private async Task<string> PracticeNameAsync(Guid practiceId, CancellationToken ct)
    {
        if (_practice is not { } known || known.Id != practiceId)
            _practice = known = (practiceId, await db.Practices.AsNoTracking().Where(p => p.Id == practiceId).Select(p => p.Name).SingleAsync(ct));
        return known.Name;
    }

    private sealed record DeliverPayload(Guid PracticeId, Guid NotificationId);
}

public static class NotificationsSetup
{
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NotificationsOptions>().Bind(configuration.GetSection(NotificationsOptions.Section))
            .Validate(o => o.IsValid(), $"{NotificationsOptions.Section} is invalid: absolute DashboardUrl and PatientAppUrl; invitation limits and DeliveryAttempts of at least 1; with SendGrid:ApiKey an absolute ApiBase and a From; with Twilio:AccountSid an AuthToken, a From and an absolute ApiBase.")
            .ValidateOnStart();
        services.AddScoped<NotificationOutbox>();
        services.AddScoped<PatientNotices>();
        services.AddScoped<InvitationSendLimits>();
        services.AddScoped<NotificationTransports>();
        services.AddScoped<DevMailboxTransport>();
        services.AddHttpClient<SendGridTransport>(c => c.Timeout = TimeSpan.FromSeconds(20));
        services.AddHttpClient<TwilioTransport>(c => c.Timeout = TimeSpan.FromSeconds(20));
        services.AddHttpClient<FcmTransport>(c => c.Timeout = TimeSpan.FromSeconds(20));
        services.AddSingleton<FcmAccessTokens>();
        return services;
    }
}
