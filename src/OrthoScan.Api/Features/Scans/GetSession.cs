using OrthoScan.Api.Infrastructure.Ai;
using OrthoScan.Api.Infrastructure.Storage;

namespace OrthoScan.Api.Features.Scans;

/// <summary>
/// One scan with its photos' quality and short-lived links (the patient's own, or any of the practice's), and the
/// patient's previous processed scan for side-by-side comparison.
/// </summary>
public static class GetSession
{
    [RequiresRole(Role.Patient, Role.Owner, Role.Doctor, Role.Staff)]
    public sealed record Query(Guid Id) : IQuery<SessionResponse>, IAudited<SessionResponse>
    {
        public AuditRecord Audit(SessionResponse response) => new("scan_session", Id);
    }

    public sealed class Handler(AppDbContext db, RequestContext context, IBlobStore store, TimeProvider clock) : IQueryHandler<Query, SessionResponse>
    {
        public async ValueTask<SessionResponse> Handle(Query query, CancellationToken ct)
        {
            var session = await ScanViews.FindVisibleAsync(db, context, query.Id, ct);
            var images = await db.ScanImages.AsNoTracking().Where(i => i.SessionId == session.Id).ToListAsync(ct);
            var now = clock.UtcNow();
            return ScanViews.ToResponse(session, images, store, now) with
            {
                Previous = await PreviousAsync(session, now, ct),
                AiSuggestions = context.Role == Role.Patient ? [] : await AiSuggestions.LatestRunAsync(db, session.Id, ct),
            };
        }

        private async Task<PreviousSession?> PreviousAsync(ScanSession session, DateTime now, CancellationToken ct)
        {
            var previous = await db.ScanSessions.AsNoTracking()
                .Where(s => s.PatientId == session.PatientId && s.CreatedAt < session.CreatedAt
                            && (s.Status == ScanSessionStatus.Ready || s.Status == ScanSessionStatus.Reviewed))
                .OrderByDescending(s => s.CreatedAt)
                .FirstOrDefaultAsync(ct);
            if (previous is null) return null;
            var images = await db.ScanImages.AsNoTracking().Where(i => i.SessionId == previous.Id).OrderBy(i => i.ImageType).ToListAsync(ct);
            return new PreviousSession(previous.Id, previous.AlignerNumber, previous.SubmittedAt,
                [.. images.Select(i => new PreviousImage(i.ImageType, ScanViews.Urls(i, store, now)))]);
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/scans/sessions/{{id:guid}}", async (Guid id, ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new Query(id), ct)))
                .WithTags("Scans").WithName("GetScanSession").RequireAuthorization()
                .WithSummary("Get a scan")
                .WithDescription(
                    "One scan with each photo's status, quality and short-lived links (10 minutes), the patient's previous " +
                    "processed scan for side-by-side comparison and, for the practice, the latest AI suggestions. A patient sees " +
                    "only their own scans.")
                .Produces<SessionResponse>().ProducesProblem(StatusCodes.Status404NotFound);
    }
}
