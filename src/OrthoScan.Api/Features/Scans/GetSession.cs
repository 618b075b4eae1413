using OrthoScan.Api.Infrastructure.Storage;

namespace OrthoScan.Api.Features.Scans;

/// <summary>One scan with its photos' quality and short-lived links: the patient's own, or any of the practice's.</summary>
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
            return ScanViews.ToResponse(session, images, store, clock.UtcNow());
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/scans/sessions/{{id:guid}}", async (Guid id, ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new Query(id), ct)))
                .WithTags("Scans").WithName("GetScanSession").RequireAuthorization()
                .Produces<SessionResponse>().ProducesProblem(StatusCodes.Status404NotFound);
    }
}
