using OrthoScan.Api.Infrastructure.Storage;

namespace OrthoScan.Api.Features.Patients;

/// <summary>
/// GDPR erasure, in one transaction: the identity and contact fields become placeholders, the app account, invitation
/// codes and sessions end, research consent is withdrawn, the photo keys are forgotten and the patient's data key is
/// destroyed, so every stored object of the patient is unreadable from then on (crypto-shredding, ADR 0013). The objects
/// themselves are deleted afterwards, best effort. The clinical record (scans, tag sets, messages) stays, with no name.
/// Audit rows hold ids only, so the hash chain is never rewritten.
/// </summary>
public static class ErasePatient
{
    public const string Confirmation = "ERASE";
    public const string ErasedFirstName = "Erased";
    public const string ErasedLastName = "Patient";

    [RequiresRole(Role.Owner)]
    public sealed record Command(Guid Id, string? Confirmation) : ICommand<Response>, IAudited<Response>
    {
        public AuditRecord Audit(Response response) => new("patient", Id);
    }

    /// <param name="Confirmation">Exactly <c>ERASE</c>.</param>
    public sealed record Body(string? Confirmation);

    /// <param name="ImagesShredded">Scan photos (each with its stored sizes) made unreadable.</param>
    public sealed record Response(Guid PatientId, DateTime ErasedAt, int ImagesShredded);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Id).NotEmpty();
            RuleFor(c => c.Confirmation).NotEmpty().MaximumLength(20);
        }
    }

    public sealed class Handler(
        AppDbContext db, RequestContext context, SessionIssuer sessions, IBlobStore store, AfterCommit afterCommit, TimeProvider clock, ILogger<Handler> logger)
        : ICommandHandler<Command, Response>
    {
        public async ValueTask<Response> Handle(Command command, CancellationToken ct)
        {
            if (command.Confirmation != Confirmation)
                throw RuleViolationException.ForField("confirmation", $"Type {Confirmation} to confirm the erasure.", "erasure-not-confirmed");

            // One erasure at a time per patient: a second one waits here, then finds the patient erased.
            await db.Database.ExecuteSqlAsync($"SELECT 1 FROM patients WHERE id = {command.Id} FOR UPDATE", ct);
            var patient = await db.Patients.SingleOrDefaultAsync(p => p.Id == command.Id, ct) ?? throw new NotFoundException("patient");
            if (patient.ErasedAt is not null)
                throw new ConflictException("patient-erased", "This patient was already erased.", $"Erased at {patient.ErasedAt:O}.");

            var now = clock.UtcNow();
            var images = await db.ScanImages
                .Where(i => db.ScanSessions.Any(s => s.Id == i.SessionId && s.PatientId == patient.Id))
                .ToListAsync(ct);
            var objectKeys = images.SelectMany(i => new[] { i.UploadKey, i.FullKey, i.DisplayKey, i.ThumbnailKey }).OfType<string>().Distinct().ToList();
            var imageIds = images.Select(i => i.Id).ToList();
            var shredded = images.Count(i => i.UploadKey is not null || i.FullKey is not null);
            foreach (var image in images)
            {
                image.UploadKey = image.FullKey = image.DisplayKey = image.ThumbnailKey = null;
                image.DeviceMake = image.DeviceModel = null;
            }

            patient.FirstName = ErasedFirstName;
            patient.LastName = ErasedLastName;
            patient.Email = null;
            patient.Phone = null;
            patient.DateOfBirth = null;
            patient.AppUserId = null;
            if (patient.ResearchConsent)
            {
                patient.ResearchConsent = false;
                patient.ResearchConsentAt = now;
                patient.ResearchConsentRecordedBy = context.UserId;
            }
            patient.Status = PatientStatus.Erased;
            patient.ErasedAt = now;
            patient.UpdatedAt = now;

            await db.OneTimeCodes
                .Where(c => c.Purpose == OneTimeCodePurpose.PatientInvitation && c.SubjectId == patient.Id && c.UsedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, now).SetProperty(c => c.ExpiresAt, now), ct);
            await sessions.RevokeAsync(t => t.PatientId == patient.Id, ct);
            await db.PushDevices.Where(d => d.PatientId == patient.Id).ExecuteDeleteAsync(ct);
            // Their addresses leave with them; a notification not sent yet is not sent at all.
            await db.Notifications.Where(n => n.PatientId == patient.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(n => n.Recipient, "erased").SetProperty(n => n.Variables, "{}")
                    .SetProperty(n => n.Status, n => n.Status == NotificationStatus.Queued ? NotificationStatus.Failed : n.Status), ct);
            await db.RawUploads.Where(u => imageIds.Contains(u.ImageId)).ExecuteDeleteAsync(ct);
            await PatientKeyring.DestroyAsync(db, patient.PracticeId, patient.Id, now, ct);
            await db.SaveChangesAsync(ct);

            // The key is gone once this commits; deleting the ciphertext too is hygiene, not what makes it unreadable.
            afterCommit.Add(async token =>
            {
                foreach (var key in objectKeys)
                {
                    try
                    {
                        await store.DeleteAsync(key, token);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        logger.LogWarning(e, "Could not delete an object of erased patient {PatientId}; it stays unreadable", patient.Id);
                    }
                }
            });
            return new Response(patient.Id, now, shredded);
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost($"{Routes.V1}/patients/{{id:guid}}/erasure", async (Guid id, Body body, ISender sender, CancellationToken ct) =>
                    Results.Ok(await sender.Send(new Command(id, body.Confirmation), ct)))
                .WithTags("Patients").WithName("ErasePatient").RequireAuthorization()
                .WithSummary("Erase a patient (GDPR)")
                .WithDescription(
                    "Irreversible. In one transaction: names become placeholders; email, phone, date of birth and the app account are " +
                    "cleared; invitation codes and app sessions end; research consent is withdrawn; the patient's data key is " +
                    "destroyed, so every photo of the patient is unreadable (any link to one answers 410 `patient-erased`). " +
                    "Scans, tag sets and messages stay without a name; datasets exported before hold no link back. Audited by id. " +
                    "422 `erasure-not-confirmed` unless `confirmation` is exactly `ERASE`; 409 `patient-erased` when already erased.")
                .WithRequestExample(new Body(Confirmation))
                .WithResponseExample(new Response(new Guid("0195f3b0-2d4e-7a1b-8c9d-0e1f2a3b4c50"), new DateTime(2026, 3, 2, 9, 5, 0, DateTimeKind.Utc), 15))
                .Produces<Response>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
                .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }
}
