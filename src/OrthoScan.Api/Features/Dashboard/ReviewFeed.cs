using OrthoScan.Api.Features.Scans;
using OrthoScan.Api.Infrastructure.Storage;

namespace OrthoScan.Api.Features.Dashboard;

/// <summary>Scans waiting for review, oldest first: the doctor's queue. A session appears as soon as it is ready.</summary>
public static class ReviewFeed
{
    [RequiresRole(Role.Owner, Role.Doctor, Role.Staff)]
    public sealed record Query(string? Cursor, int? Limit) : IQuery<Page<Item>>, IAudited<Page<Item>>
    {
        public AuditRecord Audit(Page<Item> response) => new("scan_session", null);
    }

    public sealed record Item(
        Guid SessionId, Guid PatientId, string PatientName, int CurrentStage, int TotalStages, int AlignerNumber, DateTime SubmittedAt,
        int? LowestQualityScore, IReadOnlyList<string> QualityFlags, IReadOnlyList<FeedImage> Images);

    public sealed record FeedImage(ImageType ImageType, int? QualityScore, string? ThumbnailUrl);

    public sealed record Cursor(DateTime SubmittedAt, Guid Id);

    public sealed class Handler(AppDbContext db, IBlobStore store) : IQueryHandler<Query, Page<Item>>
    {
        public async ValueTask<Page<Item>> Handle(Query query, CancellationToken ct)
        {
            var limit = Paging.Limit(query.Limit);
            var ready = from s in db.ScanSessions.AsNoTracking()
                        join p in db.Patients.AsNoTracking() on s.PatientId equals p.Id
                        where s.Status == ScanSessionStatus.Ready && s.SubmittedAt != null
                        select new { Session = s, p.FirstName, p.LastName, p.CurrentStage, p.TotalStages };
            if (Paging.Decode<Cursor>(query.Cursor) is { } after)
                ready = ready.Where(r => r.Session.SubmittedAt > after.SubmittedAt || (r.Session.SubmittedAt == after.SubmittedAt && r.Session.Id.CompareTo(after.Id) > 0));
            var rows = await ready.OrderBy(r => r.Session.SubmittedAt).ThenBy(r => r.Session.Id).Take(limit + 1).ToListAsync(ct);

            var ids = rows.Select(r => r.Session.Id).ToList();
            var images = (await db.ScanImages.AsNoTracking().Where(i => ids.Contains(i.SessionId)).ToListAsync(ct)).ToLookup(i => i.SessionId);
            return Paging.ToPage(rows, limit, r =>
            {
                var sessionImages = images[r.Session.Id].OrderBy(i => i.ImageType).ToList();
                return new Item(
                    r.Session.Id, r.Session.PatientId, $"{r.FirstName} {r.LastName}", r.CurrentStage, r.TotalStages, r.Session.AlignerNumber,
                    r.Session.SubmittedAt!.Value, sessionImages.Min(i => i.QualityScore),
                    sessionImages.SelectMany(i => i.QualityIssues).Distinct().Order().ToList(),
                    sessionImages.Select(i => new FeedImage(i.ImageType, i.QualityScore,
                        i.ThumbnailKey is null ? null : store.CreateDownloadUrl(i.ThumbnailKey, ScanViews.UrlLifetime).ToString())).ToList());
            }, r => new Cursor(r.Session.SubmittedAt!.Value, r.Session.Id));
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/dashboard/feed", async (string? cursor, int? limit, ISender sender, CancellationToken ct) =>
                    Results.Ok(await sender.Send(new Query(cursor, limit), ct)))
                .WithTags("Dashboard").WithName("ReviewFeed").RequireAuthorization()
                .Produces<Page<Item>>();
    }
}
