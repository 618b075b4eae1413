using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using OrthoScan.Api.Infrastructure.Storage;

namespace OrthoScan.Api.Features.Scans;

/// <summary>
/// The patient app declares a scan: the aligner worn and the five views it will upload. Phones retry on bad
/// networks, so the Idempotency-Key header makes a retry answer the first session instead of a second one.
/// </summary>
public static class CreateSession
{
    [RequiresRole(Role.Patient)]
    public sealed record Command(string? IdempotencyKey, int AlignerNumber, IReadOnlyList<ImageType>? Views)
        : ICommand<SessionResponse>, IAudited<SessionResponse>
    {
        public AuditRecord Audit(SessionResponse response) => new("scan_session", response.Id);
    }

    public sealed record Body(int AlignerNumber, IReadOnlyList<ImageType>? Views);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.IdempotencyKey).NotEmpty().WithMessage("Send an Idempotency-Key header.").IdempotencyKey();
            RuleFor(c => c.AlignerNumber).InclusiveBetween(1, 200);
            RuleFor(c => c.Views).NotNull()
                .Must(v => v is not null && v.Count == ScanViews.AllViews.Length && v.Distinct().Count() == ScanViews.AllViews.Length)
                .WithMessage("Declare each of the five views once: frontal, buccal_l, buccal_r, occlusal_u, occlusal_l.");
        }
    }

    public sealed class Handler(AppDbContext db, RequestContext context, IBlobStore store, TimeProvider clock) : ICommandHandler<Command, SessionResponse>
    {
        public async ValueTask<SessionResponse> Handle(Command command, CancellationToken ct)
        {
            var patientId = context.PatientId!.Value;
            var key = command.IdempotencyKey!;
            var requestHash = SHA256.HashData(Encoding.UTF8.GetBytes($"{command.AlignerNumber}|{string.Join(',', command.Views!.Order())}"));

            // Concurrent retries with one key wait here for each other, so only the first inserts.
            await db.LockForTransactionAsync(LockSpace.ScanSessionIdempotencyKeys, $"{patientId}|{key}", ct);
            var existing = await db.ScanSessions.AsNoTracking().SingleOrDefaultAsync(s => s.PatientId == patientId && s.IdempotencyKey == key, ct);
            if (existing is not null)
            {
                if (!existing.RequestHash.SequenceEqual(requestHash))
                    throw new RuleViolationException("idempotency-key-reused", "This Idempotency-Key was used for a different scan.", "Use a new key for a new scan.");
                var existingImages = await db.ScanImages.AsNoTracking().Where(i => i.SessionId == existing.Id).ToListAsync(ct);
                return ScanViews.ToResponse(existing, existingImages, store, clock.UtcNow());
            }

            var now = clock.UtcNow();
            var session = new ScanSession
            {
                PracticeId = context.RequirePractice(), PatientId = patientId, AlignerNumber = command.AlignerNumber,
                IdempotencyKey = key, RequestHash = requestHash, ImageCount = command.Views!.Count, CreatedAt = now,
            };
            var images = command.Views.Select(view => new ScanImage
            {
                PracticeId = session.PracticeId, SessionId = session.Id, ImageType = view, CreatedAt = now,
            }).ToList();
            db.ScanSessions.Add(session);
            db.ScanImages.AddRange(images);
            await db.SaveChangesAsync(ct);
            return ScanViews.ToResponse(session, images, store, now);
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost($"{Routes.V1}/scans/sessions", async ([FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, Body body, ISender sender, CancellationToken ct) =>
                {
                    var session = await sender.Send(new Command(idempotencyKey, body.AlignerNumber, body.Views), ct);
                    return Results.Created($"{Routes.V1}/scans/sessions/{session.Id}", session);
                })
                .WithTags("Scans").WithName("CreateScanSession").RequireAuthorization()
                .WithSummary("Declare a scan")
                .WithDescription(
                    "The patient app declares a scan: the aligner worn and each of the five views once. Send an `Idempotency-Key` " +
                    "header: a retry with the same key answers the first scan instead of a second one, and the same key with a " +
                    "different body answers 422 `idempotency-key-reused`. Next, upload each photo (POST /scans/upload-url), then " +
                    "submit (POST /scans/sessions/{id}/submit).")
                .WithRequestExample(new Body(3, [ImageType.Frontal, ImageType.BuccalL, ImageType.BuccalR, ImageType.OcclusalU, ImageType.OcclusalL]))
                .Produces<SessionResponse>(StatusCodes.Status201Created).ProducesValidationProblem()
                .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }
}
