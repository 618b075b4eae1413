using OrthoScan.Api.Infrastructure.Jobs;
using OrthoScan.Api.Infrastructure.Storage;

namespace OrthoScan.Api.Features.Scans;

/// <summary>
/// The app says all photos are up. Processing is queued in the same transaction that moves the session to
/// processing, so a session is never stuck without its job, nor processed without being submitted.
/// </summary>
public static class SubmitSession
{
    [RequiresRole(Role.Patient)]
    public sealed record Command(Guid SessionId) : ICommand<SessionResponse>, IAudited<SessionResponse>
    {
        public AuditRecord Audit(SessionResponse response) => new("scan_session", SessionId);
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.SessionId).NotEmpty().OverridePropertyName("id");
    }

    public sealed class Handler(AppDbContext db, RequestContext context, IBlobStore store, IJobQueue jobs, TimeProvider clock)
        : ICommandHandler<Command, SessionResponse>
    {
        public async ValueTask<SessionResponse> Handle(Command command, CancellationToken ct)
        {
            var session = await ScanViews.FindVisibleAsync(db, context, command.SessionId, ct, track: true);
            var images = await db.ScanImages.Where(i => i.SessionId == session.Id).ToListAsync(ct);
            var now = clock.UtcNow();
            if (session.Status is not (ScanSessionStatus.Pending or ScanSessionStatus.NeedsRetake))
                return ScanViews.ToResponse(session, images, store, now);

            var missing = new List<string>();
            foreach (var image in images.Where(NeedsNewPhoto))
            {
                if (image.UploadKey is not null && await store.ExistsAsync(image.UploadKey, ct)) image.Status = ScanImageStatus.Uploaded;
                else missing.Add(System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(image.ImageType.ToString()));
            }
            if (missing.Count > 0)
            {
                throw new RuleViolationException("photos-missing", "Some photos have not arrived yet.", $"Upload these views first: {string.Join(", ", missing)}.")
                {
                    Errors = new Dictionary<string, string[]> { ["views"] = [.. missing] },
                };
            }

            session.Status = ScanSessionStatus.Processing;
            session.SubmittedAt = now;
            await jobs.EnqueueAsync(new ProcessSession.Command(session.PracticeId, session.Id), cancellationToken: ct);
            await db.SaveChangesAsync(ct);
            return ScanViews.ToResponse(session, images, store, now);
        }

        // First submission: every view; after a retake request: only the views asked for again.
        private static bool NeedsNewPhoto(ScanImage image) => image.Status != ScanImageStatus.Processed || image.RetakeReasons.Count > 0;
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost($"{Routes.V1}/scans/sessions/{{id:guid}}/submit", async (Guid id, ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new Command(id), ct)))
                .WithTags("Scans").WithName("SubmitScanSession").RequireAuthorization()
                .WithSummary("Submit a scan for processing")
                .WithDescription(
                    "The patient app says every photo is uploaded: the scan moves to processing. Submitting a scan already sent " +
                    "answers it as it is. 422 `photos-missing` names the views whose photos have not arrived (`errors.views`).")
                .Produces<SessionResponse>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }
}
