using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using OrthoScan.Api.Infrastructure.Messaging;
using OrthoScan.Api.Infrastructure.Notifications;
using OrthoScan.Api.Infrastructure.Storage;

namespace OrthoScan.Api.Features.Messaging;

/// <summary>
/// A message into the patient's one thread with the practice (made by the first message), from a doctor, a staff member or
/// the patient, optionally showing one of the patient's scan photos. Phones retry on bad networks, so the Idempotency-Key
/// header makes a retry answer the first message instead of sending a second one. A patient using the app hears of the
/// practice's messages outside it too (SMS or email, only that there is one, at most once a day and never in quiet hours).
/// </summary>
public static class SendMessage
{
    [RequiresRole(Role.Owner, Role.Doctor, Role.Staff, Role.Patient)]
    public sealed record Command(string? IdempotencyKey, Guid? PatientId, string? Content, Guid? AttachmentImageId)
        : ICommand<MessageResponse>, IAudited<MessageResponse>
    {
        public AuditRecord Audit(MessageResponse response) => new("message", response.Id);
    }

    /// <param name="PatientId">The patient written to; required from the practice, the patient's own (or omitted) from a patient.</param>
    /// <param name="Content">Plain text, 1 to 4000 characters.</param>
    /// <param name="AttachmentImageId">One of the patient's scan photos to show with the message.</param>
    public sealed record Body(Guid? PatientId, string? Content, Guid? AttachmentImageId);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            // No ':' in a sender's key: the keys of system messages have one, so a sender can never take theirs.
            RuleFor(c => c.IdempotencyKey).NotEmpty().WithMessage("Send an Idempotency-Key header.").IdempotencyKey();
            RuleFor(c => c.Content).Must(c => !string.IsNullOrWhiteSpace(c)).WithMessage("Write a message.")
                .MaximumLength(MessageViews.MaxContentLength);
        }
    }

    public sealed class Handler(AppDbContext db, RequestContext context, IBlobStore store, PatientNotices notices, LiveThreads live, TimeProvider clock)
        : ICommandHandler<Command, MessageResponse>
    {
        public async ValueTask<MessageResponse> Handle(Command command, CancellationToken ct)
        {
            var patient = await RecipientAsync(command.PatientId, ct);
            if (patient.ErasedAt is not null)
                throw new ConflictException("patient-erased", "This patient was erased.", "An erased patient cannot be written to.");
            var sender = await SenderAsync(patient, ct);
            var content = command.Content!.Trim();
            var key = command.IdempotencyKey!;
            var requestHash = SHA256.HashData(Encoding.UTF8.GetBytes($"{sender.Type}|{sender.Id}|{command.AttachmentImageId}|{content}"));
            var now = clock.UtcNow();

            var thread = await MessageViews.ThreadOfPatientAsync(db, patient.PracticeId, patient.Id, now, ct);
            var existing = await MessageViews.ExistingAsync(db, thread.Id, key, ct);
            if (existing is not null)
            {
                if (existing.RequestHash is null || !existing.RequestHash.SequenceEqual(requestHash))
                    throw new RuleViolationException("idempotency-key-reused", "This Idempotency-Key was used for a different message.", "Use a new key for a new message.");
                return (await MessageViews.ToResponsesAsync(db, store, [existing], ct))[0];
            }

            var attachments = await AttachmentsAsync(command.AttachmentImageId, patient.Id, ct);
            var message = new Message
            {
                PracticeId = patient.PracticeId, ThreadId = thread.Id, SenderType = sender.Type, SenderId = sender.Id, Content = content,
                Attachments = [.. attachments.Select(a => a.ImageId.ToString())],
                CreatedAt = now, IdempotencyKey = key, RequestHash = requestHash,
            };
            await MessageViews.AddAsync(db, message, ct);
            live.Changed(thread);
            if (sender.Type != SenderType.Patient)
            {
                await notices.QueueNewMessageAsync(patient, message, ct);
                await db.SaveChangesAsync(ct);
            }
            return MessageViews.ToResponse(message, sender.Name, attachments);
        }

        private async Task<Patient> RecipientAsync(Guid? patientId, CancellationToken ct)
        {
            if (context.Role == Role.Patient)
            {
                if (patientId is not null && patientId != context.PatientId) throw new NotFoundException("patient");
                return await db.Patients.AsNoTracking().SingleAsync(p => p.Id == context.PatientId, ct);
            }
            if (patientId is null) throw new InvalidFieldException("patientId", "Name the patient to write to.");
            return await db.Patients.AsNoTracking().SingleOrDefaultAsync(p => p.Id == patientId, ct) ?? throw new NotFoundException("patient");
        }

        private async Task<(SenderType Type, Guid Id, string Name)> SenderAsync(Patient patient, CancellationToken ct)
        {
            if (context.Role == Role.Patient) return (SenderType.Patient, patient.Id, $"{patient.FirstName} {patient.LastName}");
            var member = await db.PracticeMembers.AsNoTracking().SingleAsync(m => m.UserId == context.UserId, ct);
            return (member.Role == Role.Staff ? SenderType.Staff : SenderType.Doctor, member.Id, member.Name);
        }

        private async Task<List<MessageAttachment>> AttachmentsAsync(Guid? imageId, Guid patientId, CancellationToken ct)
        {
            if (imageId is null) return [];
            var photo = await db.ScanImages.AsNoTracking()
                .Where(i => i.Id == imageId && db.ScanSessions.Any(s => s.Id == i.SessionId && s.PatientId == patientId))
                .Select(i => new { i.Id, i.ImageType, i.DisplayKey }).SingleOrDefaultAsync(ct)
                ?? throw RuleViolationException.ForField("attachmentImageId", "Attach a photo from this patient's scans.");
            return [MessageViews.Attachment(store, photo.Id, photo.ImageType, photo.DisplayKey)];
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost($"{Routes.V1}/messages", async ([FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, Body body, ISender sender, CancellationToken ct) =>
                {
                    var message = await sender.Send(new Command(idempotencyKey, body.PatientId, body.Content, body.AttachmentImageId), ct);
                    return Results.Created($"{Routes.V1}/messages/threads/{message.ThreadId}", message);
                })
                .WithTags("Messaging").WithName("SendMessage").RequireAuthorization()
                .WithSummary("Send a message")
                .WithDescription(
                    "Doctors and staff write to a patient (`patientId`); a patient writes to their practice. The patient's one thread " +
                    "is made by the first message. Plain text up to 4000 characters, optionally with one of the patient's scan photos " +
                    "(`attachmentImageId`). Send an `Idempotency-Key` header: a retry with the same key answers the first message, " +
                    "and the same key with a different message answers 422 `idempotency-key-reused`. 404 for a patient the caller " +
                    "cannot reach; 409 `patient-erased` for an erased patient.")
                .WithRequestExample(new Body(new Guid("0195f3b0-2d4e-7a1b-8c9d-0e1f2a3b4c50"), "Your aligners fit well. Keep going!", null))
                .Produces<MessageResponse>(StatusCodes.Status201Created).ProducesValidationProblem()
                .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
                .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }
}
