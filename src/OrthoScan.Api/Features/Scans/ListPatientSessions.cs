using OrthoScan.Api.Infrastructure.Storage;

namespace OrthoScan.Api.Features.Scans;

/// <summary>A patient's scan timeline, newest first.</summary>
public static class ListPatientSessions
{
    [RequiresRole(Role.Owner, Role.Doctor, Role.Staff)]
    public sealed record Query(Guid PatientId, string? Cursor, int? Limit) : IQuery<Page<SessionResponse>>, IAudited<Page<SessionResponse>>
    {
        public AuditRecord Audit(Page<SessionResponse> response) => new("patient", PatientId);
    }

    public sealed record Cursor(DateTime CreatedAt, Guid Id);

    public sealed class Handler(AppDbContext db, IBlobStore store, TimeProvider clock) : IQueryHandler<Query, Page<SessionResponse>>
    {
        public async ValueTask<Page<SessionResponse>> Handle(Query query, CancellationToken ct)
        {
            if (!await db.Patients.AnyAsync(p => p.Id == query.PatientId, ct)) throw new NotFoundException("patient");
            var limit = Paging.Limit(query.Limit);
            var sessions = db.ScanSessions.AsNoTracking().Where(s => s.PatientId == query.PatientId);
            if (Paging.Decode<Cursor>(query.Cursor) is { } after)
                sessions = sessions.Where(s => s.CreatedAt < after.CreatedAt || (s.CreatedAt == after.CreatedAt && s.Id.CompareTo(after.Id) < 0));
            var rows = await sessions.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id).Take(limit + 1).ToListAsync(ct);

            var ids = rows.Select(s => s.Id).ToList();
            var images = (await db.ScanImages.AsNoTracking().Where(i => ids.Contains(i.SessionId)).ToListAsync(ct)).ToLookup(i => i.SessionId);
            var now = clock.UtcNow();
            return Paging.ToPage(rows, limit, s => ScanViews.ToResponse(s, images[s.Id], store, now), s => new Cursor(s.CreatedAt, s.Id));
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/patients/{{id:guid}}/sessions", async (Guid id, string? cursor, int? limit, ISender sender, CancellationToken ct) =>
                    Results.Ok(await sender.Send(new Query(id, cursor, limit), ct)))
                .WithTags("Scans").WithName("ListPatientScanSessions").RequireAuthorization()
                .Produces<Page<SessionResponse>>().ProducesProblem(StatusCodes.Status404NotFound);
    }
}
