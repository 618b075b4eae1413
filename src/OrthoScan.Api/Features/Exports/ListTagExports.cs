using OrthoScan.Api.Infrastructure.Storage;

namespace OrthoScan.Api.Features.Exports;

/// <summary>The platform's exports, newest first, each as <see cref="GetTagExport"/> answers it (completed ones with a fresh link).</summary>
public static class ListTagExports
{
    [RequiresRole(Role.PlatformAdmin)]
    public sealed record Query(string? Cursor, int? Limit) : IQuery<Page<ExportView>>;

    public sealed record Cursor(DateTime CreatedAt, Guid Id);

    public sealed class Handler(AppDbContext db, RequestContext context, BlobUrlSigner signer, TimeProvider clock) : IQueryHandler<Query, Page<ExportView>>
    {
        public async ValueTask<Page<ExportView>> Handle(Query query, CancellationToken ct)
        {
            var limit = Paging.Limit(query.Limit);
            var exports = db.TagExports.AsNoTracking();
            if (Paging.Decode<Cursor>(query.Cursor) is { } after)
                exports = exports.Where(e => e.CreatedAt < after.CreatedAt || (e.CreatedAt == after.CreatedAt && e.Id.CompareTo(after.Id) < 0));
            var rows = await exports.OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id).Take(limit + 1).ToListAsync(ct);
            var now = clock.UtcNow();
            return Paging.ToPage(rows, limit, e => ExportViews.ToView(e, signer, context.UserId, now), e => new Cursor(e.CreatedAt, e.Id));
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/tags/export", async (string? cursor, int? limit, ISender sender, CancellationToken ct) =>
                    Results.Ok(await sender.Send(new Query(cursor, limit), ct)))
                .WithTags("Exports").WithName("ListTagExports").RequireAuthorization()
                .WithSummary("List training-data exports (platform admin)")
                .WithDescription("Every export, newest first, with its progress and report; completed ones carry a fresh five-minute download link.")
                .WithResponseExample(new Page<ExportView>([ExportViews.Example], null))
                .Produces<Page<ExportView>>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden);
    }
}
