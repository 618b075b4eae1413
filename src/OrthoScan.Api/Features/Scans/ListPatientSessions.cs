using OrthoScan.Api.Infrastructure.Storage;

namespace OrthoScan.Api.Features.Scans;

/// <summary>A patient's scan timeline, newest first, each scan with the outcome of its first review.</summary>
public static class ListPatientSessions
{
    [RequiresRole(Role.Owner, Role.Doctor, Role.Staff)]
    public sealed record Query(Guid PatientId, string? Cursor, int? Limit) : IQuery<Page<TimelineItem>>, IAudited<Page<TimelineItem>>
    {
        public AuditRecord Audit(Page<TimelineItem> response) => new("patient", PatientId);
    }

    /// <summary>A scan session as <see cref="SessionResponse"/> shows it, plus its outcome (null until reviewed).</summary>
    public sealed record TimelineItem(
        Guid Id,
        Guid PatientId,
        int AlignerNumber,
        ScanSessionStatus Status,
        DateTime CreatedAt,
        DateTime? SubmittedAt,
        DateTime? ProcessedAt,
        string? PatientFeedback,
        IReadOnlyList<ImageResponse> Images,
        Outcome? Outcome);

    /// <summary>The first tag set of the session: a later second opinion feeds agreement statistics, not the timeline.</summary>
    public sealed record Outcome(
        int OverallTracking,
        int? AlignerFit,
        int OralHygiene,
        ReviewAction Action,
        int? HoldDays,
        int? StageAfter,
        DateTime ReviewedAt,
        string ReviewerName,
        IReadOnlyList<string> DetailTags);

    public sealed class Handler(AppDbContext db, IBlobStore store, TimeProvider clock) : IQueryHandler<Query, Page<TimelineItem>>
    {
        public async ValueTask<Page<TimelineItem>> Handle(Query query, CancellationToken ct)
        {
            if (!await db.Patients.AnyAsync(p => p.Id == query.PatientId, ct)) throw new NotFoundException("patient");
            var (rows, images, limit) = await ScanViews.PatientPageAsync(db, query.PatientId, query.Cursor, query.Limit, ct);
            var ids = rows.Select(s => s.Id).ToList();
            // A session has one tag set, rarely two: loading all of the page's and keeping the first is one small query.
            var outcomes = (await (from t in db.TagSets.AsNoTracking()
                                   join m in db.PracticeMembers.AsNoTracking() on t.TaggedBy equals m.Id
                                   where ids.Contains(t.SessionId)
                                   select new { Tags = t, Reviewer = m.Name }).ToListAsync(ct))
                .GroupBy(r => r.Tags.SessionId)
                .ToDictionary(g => g.Key, g => g.OrderBy(r => r.Tags.TaggedAt).ThenBy(r => r.Tags.Id).Select(r => ToOutcome(r.Tags, r.Reviewer)).First());
            var now = clock.UtcNow();
            return Paging.ToPage(rows, limit, s => ToItem(ScanViews.ToResponse(s, images[s.Id], store, now), outcomes.GetValueOrDefault(s.Id)),
                s => new ScanViews.TimelineCursor(s.CreatedAt, s.Id));
        }

        private static TimelineItem ToItem(SessionResponse s, Outcome? outcome) =>
            new(s.Id, s.PatientId, s.AlignerNumber, s.Status, s.CreatedAt, s.SubmittedAt, s.ProcessedAt, s.PatientFeedback, s.Images, outcome);

        private static Outcome ToOutcome(TagSet t, string reviewer) =>
            new(t.OverallTracking, t.AlignerFit, t.OralHygiene, t.ActionTaken, t.HoldDays, t.StageAfter, t.TaggedAt, reviewer, t.DetailTags.Select(d => d.Code).ToList());
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/patients/{{id:guid}}/sessions", async (Guid id, string? cursor, int? limit, ISender sender, CancellationToken ct) =>
                    Results.Ok(await sender.Send(new Query(id, cursor, limit), ct)))
                .WithTags("Scans").WithName("ListPatientScanSessions").RequireAuthorization()
                .WithSummary("List a patient's scans")
                .WithDescription(
                    "A patient's scan timeline, newest first: each scan with its photos and the outcome of its first review (null " +
                    "until reviewed). Paged: pass the previous page's `nextCursor` as `cursor`.")
                .Produces<Page<TimelineItem>>().ProducesProblem(StatusCodes.Status404NotFound);
    }
}
