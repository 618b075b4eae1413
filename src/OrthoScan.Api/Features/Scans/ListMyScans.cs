using OrthoScan.Api.Infrastructure.Storage;

namespace OrthoScan.Api.Features.Scans;

/// <summary>
/// The signed-in patient's own scans, newest first, as the app's timeline shows them: status, photos (thumbnails, retake
/// reasons) and the doctor's feedback. No scores or notes: those are the practice's.
/// </summary>
public static class ListMyScans
{
    [RequiresRole(Role.Patient)]
    public sealed record Query(string? Cursor, int? Limit) : IQuery<Page<SessionResponse>>, IAudited<Page<SessionResponse>>
    {
        public AuditRecord Audit(Page<SessionResponse> response) => new("patient", null);
    }

    public sealed class Handler(AppDbContext db, RequestContext context, IBlobStore store, TimeProvider clock) : IQueryHandler<Query, Page<SessionResponse>>
    {
        public async ValueTask<Page<SessionResponse>> Handle(Query query, CancellationToken ct)
        {
            var (rows, images, limit) = await ScanViews.PatientPageAsync(db, context.PatientId!.Value, query.Cursor, query.Limit, ct);
            var now = clock.UtcNow();
            return Paging.ToPage(rows, limit, s => ScanViews.ToResponse(s, images[s.Id], store, now), s => new ScanViews.TimelineCursor(s.CreatedAt, s.Id));
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/me/scans", async (string? cursor, int? limit, ISender sender, CancellationToken ct) =>
                    Results.Ok(await sender.Send(new Query(cursor, limit), ct)))
                .WithTags("Scans").WithName("ListMyScans").RequireAuthorization()
                .WithSummary("List the signed-in patient's scans")
                .WithDescription(
                    "Patients only: their scans newest first (keyset paged: `cursor`, `limit` 1-100), each with its status, photos " +
                    "(short-lived thumbnail links, retake reasons per view) and the doctor's feedback once reviewed.")
                .Produces<Page<SessionResponse>>().ProducesValidationProblem();
    }
}
