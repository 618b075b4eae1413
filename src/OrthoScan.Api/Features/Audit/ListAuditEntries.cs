namespace OrthoScan.Api.Features.Audit;

/// <summary>
/// The practice's audit trail, newest first, for the owner's compliance reviews. Entries are listed as soon as they are
/// written; <c>seq</c>, their place in the hash chain, is null until the sealer has chained them (a moment later).
/// </summary>
public static class ListAuditEntries
{
    [RequiresRole(Role.Owner)]
    public sealed record Query(Guid? UserId, string? ResourceType, Guid? ResourceId, DateTime? From, DateTime? To, string? Cursor, int? Limit)
        : IQuery<Page<Entry>>;

    public sealed record Entry(long Id, long? Seq, DateTime OccurredAt, Guid? UserId, string? ActorRole, string Action, string? ResourceType, Guid? ResourceId, string? IpAddress);

    public sealed record Cursor(long Id);

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.ResourceType).MaximumLength(60);
            RuleFor(q => q.To).GreaterThanOrEqualTo(q => q.From).When(q => q.From is not null && q.To is not null)
                .WithMessage("'to' must not be before 'from'.");
        }
    }

    public sealed class Handler(AppDbContext db) : IQueryHandler<Query, Page<Entry>>
    {
        public async ValueTask<Page<Entry>> Handle(Query query, CancellationToken ct)
        {
            var limit = Paging.Limit(query.Limit);
            var entries = db.AuditLog.AsNoTracking();
            if (query.UserId is { } userId) entries = entries.Where(a => a.UserId == userId);
            if (query.ResourceType is { } type) entries = entries.Where(a => a.ResourceType == type);
            if (query.ResourceId is { } resourceId) entries = entries.Where(a => a.ResourceId == resourceId);
            if (query.From is { } from) entries = entries.Where(a => a.OccurredAt >= from.ToUniversalTime());
            if (query.To is { } to) entries = entries.Where(a => a.OccurredAt <= to.ToUniversalTime());
            if (Paging.Decode<Cursor>(query.Cursor) is { } after) entries = entries.Where(a => a.Id < after.Id);

            var rows = await (
                    from a in entries
                    join s in db.AuditSeals on a.Id equals s.AuditId into seals
                    from s in seals.DefaultIfEmpty()
                    orderby a.Id descending
                    select new Entry(a.Id, s == null ? null : s.Seq, a.OccurredAt, a.UserId, a.ActorRole, a.Action, a.ResourceType, a.ResourceId, a.IpAddress))
                .Take(limit + 1)
                .ToListAsync(ct);
            return Paging.ToPage(rows, limit, e => e, e => new Cursor(e.Id));
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/audit", async (Guid? userId, string? resourceType, Guid? resourceId, DateTime? from, DateTime? to, string? cursor, int? limit,
                    ISender sender, CancellationToken ct) =>
                    Results.Ok(await sender.Send(new Query(userId, resourceType, resourceId, from, to, cursor, limit), ct)))
                .WithTags("Audit").WithName("ListAuditEntries").RequireAuthorization()
                .WithSummary("List audit entries")
                .WithDescription(
                    "The practice's audit trail, newest first: who did what to which resource, from where and when. Filters: " +
                    "`userId`, `resourceType`, `resourceId`, `from` and `to` (ISO 8601). `seq`, the entry's place in the hash " +
                    "chain, is null until the entry is sealed, a moment after it is written.")
                .Produces<Page<Entry>>().ProducesProblem(StatusCodes.Status403Forbidden);
    }
}
