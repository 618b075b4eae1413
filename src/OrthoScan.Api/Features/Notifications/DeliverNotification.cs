using System.Text.Json;
using OrthoScan.Api.Infrastructure.Jobs;
using OrthoScan.Api.Infrastructure.Notifications;

namespace OrthoScan.Api.Features.Notifications;

/// <summary>
/// Worker side of the outbox (a job, queued with its notification by <see cref="NotificationOutbox"/>): renders the
/// notification in the recipient's language and hands it to its channel's transport, with the notification id as the
/// provider's idempotency key. Delivered at least once, received once: deliveries of one notification take turns, a sent
/// one is never sent again, and a retry after a crash between the provider's answer and our commit sends the same key.
/// </summary>
public static class DeliverNotification
{
    [JobKind(NotificationOutbox.DeliverKind)]
    public sealed record Command(Guid PracticeId, Guid NotificationId) : ICommand<Outcome>, IPracticeJob, IAudited<Outcome>
    {
        public AuditRecord? Audit(Outcome outcome) => outcome == Outcome.Sent ? new AuditRecord("notification", NotificationId) : null;
    }

    public enum Outcome { Sent, Rejected, Skipped, AlreadyDone }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.PracticeId).NotEmpty();
            RuleFor(c => c.NotificationId).NotEmpty();
        }
    }

    public sealed class Handler(AppDbContext db, NotificationTransports transports, TimeProvider clock) : ICommandHandler<Command, Outcome>
    {
        public async ValueTask<Outcome> Handle(Command command, CancellationToken ct)
        {
            await db.LockForTransactionAsync(LockSpace.Named, $"notification:{command.NotificationId}", ct);
            var notification = await db.Notifications.SingleOrDefaultAsync(n => n.Id == command.NotificationId, ct);
            if (notification is not { Status: NotificationStatus.Queued }) return Outcome.AlreadyDone;

            if (await SkipReasonAsync(db, notification, ct) is { } reason)
            {
                notification.Status = NotificationStatus.Skipped;
                notification.LastError = reason;
                notification.Variables = "{}";
                await db.SaveChangesAsync(ct);
                return Outcome.Skipped;
            }

            var values = JsonSerializer.Deserialize<Dictionary<string, string>>(notification.Variables) ?? [];
            var content = NotificationTemplates.Render(notification.Template, notification.Language, values);
            var transport = transports.For(notification.Channel);
            notification.Provider = transport.Name;
            try
            {
                notification.ProviderMessageId = await transport.SendAsync(
                    new OutgoingNotification(notification.Id, notification.Channel, notification.Recipient, content), ct);
                notification.Status = NotificationStatus.Sent;
                notification.SentAt = clock.UtcNow();
            }
            catch (NotificationRejectedException rejected)
            {
                notification.Status = NotificationStatus.Failed;
                notification.LastError = rejected.Message[..Math.Min(rejected.Message.Length, 500)];
            }
            // A code or reset token has no business in the outbox once it left (or never can).
            notification.Variables = "{}";
            await db.SaveChangesAsync(ct);
            return notification.Status == NotificationStatus.Sent ? Outcome.Sent : Outcome.Rejected;
        }
    }

    /// <summary>Why it is no longer to be sent now that its turn came (it may have waited for quiet hours to end).</summary>
    private static async Task<string?> SkipReasonAsync(AppDbContext db, Notification notification, CancellationToken ct)
    {
        if (notification.Channel == NotificationChannel.Sms && await PatientNotices.SmsStoppedAsync(db, notification.Recipient, ct))
            return "The number texted STOP.";
        if (notification is { Template: NotificationTemplate.NewMessage, SubjectId: { } messageId }
            && await db.Messages.AnyAsync(m => m.Id == messageId && m.ReadAt != null, ct))
            return "The message was read in the app first.";
        return null;
    }

    /// <summary>Out of retries (the provider down too long): failed, and listed among the owner's dead jobs, who may retry it.</summary>
    public sealed class Failure(AppDbContext db) : IJobDeadLetter<Command>
    {
        public Task OnDeadAsync(Command job, JobContext context, DeadLetter deadLetter, CancellationToken ct) =>
            db.Notifications.Where(n => n.Id == job.NotificationId && n.Status == NotificationStatus.Queued)
                .ExecuteUpdateAsync(s => s.SetProperty(n => n.Status, NotificationStatus.Failed)
                    .SetProperty(n => n.LastError, $"Not delivered after {context.Attempt} attempts ({deadLetter.ErrorType?.Split('.', '+').Last() ?? deadLetter.Reason.ToString()})."), ct);

        public JobSubject? SubjectOf(Command job) => new("notification", job.NotificationId);

        /// <summary>Its values are kept until it is sent, so a retried delivery can still render it.</summary>
        public async Task<bool> ReopenAsync(Command job, CancellationToken ct) =>
            await db.Notifications.Where(n => n.Id == job.NotificationId && n.Status == NotificationStatus.Failed && n.Variables != "{}")
                .ExecuteUpdateAsync(s => s.SetProperty(n => n.Status, NotificationStatus.Queued).SetProperty(n => n.LastError, (string?)null), ct) == 1;
    }
}
