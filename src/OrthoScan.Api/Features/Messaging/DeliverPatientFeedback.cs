using OrthoScan.Api.Infrastructure.Jobs;
using OrthoScan.Api.Infrastructure.Messaging;
using OrthoScan.Api.Infrastructure.Notifications;

namespace OrthoScan.Api.Features.Messaging;

/// <summary>
/// Worker side of a first review (a job, queued in the review's transaction): the review's feedback, as the patient reads it
/// (already on the session, in their language, with no clinical detail), arrives in the patient's thread as a system
/// message. Exactly once: the message is keyed by the session, so a second delivery of the job finds it and writes nothing.
/// </summary>
public static class DeliverPatientFeedback
{
    [JobKind(MessagingJobs.DeliverPatientFeedback)]
    public sealed record Command(Guid PracticeId, Guid PatientId, Guid SessionId) : ICommand<Outcome>, IPracticeJob, IAudited<Outcome>
    {
        public AuditRecord? Audit(Outcome outcome) => outcome == Outcome.Delivered ? new AuditRecord("patient", PatientId) : null;
    }

    public enum Outcome { Delivered, AlreadyDelivered, NothingToDeliver }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.PracticeId).NotEmpty();
            RuleFor(c => c.PatientId).NotEmpty();
            RuleFor(c => c.SessionId).NotEmpty();
        }
    }

    public sealed class Handler(AppDbContext db, LiveThreads live, PatientNotices notices, TimeProvider clock) : ICommandHandler<Command, Outcome>
    {
        public async ValueTask<Outcome> Handle(Command command, CancellationToken ct)
        {
            var patient = await db.Patients.AsNoTracking().SingleOrDefaultAsync(p => p.Id == command.PatientId && p.ErasedAt == null, ct);
            var feedback = patient is null ? null : await db.ScanSessions.AsNoTracking()
                .Where(s => s.Id == command.SessionId && s.PatientId == command.PatientId)
                .Select(s => s.PatientFeedback).SingleOrDefaultAsync(ct);
            if (string.IsNullOrWhiteSpace(feedback)) return Outcome.NothingToDeliver;

            var now = clock.UtcNow();
            var thread = await MessageViews.ThreadOfPatientAsync(db, command.PracticeId, command.PatientId, now, ct);
            var key = $"feedback:{command.SessionId}";
            if (await MessageViews.ExistingAsync(db, thread.Id, key, ct) is not null) return Outcome.AlreadyDelivered;

            var message = new Message
            {
                PracticeId = command.PracticeId, ThreadId = thread.Id, SenderType = SenderType.System, Content = feedback, CreatedAt = now,
                IdempotencyKey = key,
            };
            await MessageViews.AddAsync(db, message, ct);
            await notices.QueueNewMessageAsync(patient!, message, ct);
            await db.SaveChangesAsync(ct);
            live.Changed(thread);
            return Outcome.Delivered;
        }
    }
}
