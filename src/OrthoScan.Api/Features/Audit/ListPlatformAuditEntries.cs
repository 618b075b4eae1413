using OrthoScan.Api.Infrastructure.Audit;

namespace OrthoScan.Api.Features.Audit;

/// <summary>
/// The platform audit chain, newest first, for the platform admin: what finance, the admins and the API binary's commands
/// did, with their place in the chain. Never a practice's audit rows: those stay in the practice's own chain.
/// </summary>
public static class ListPlatformAuditEntries
{
    [RequiresRole(Role.PlatformAdmin)]
    public sealed record Query(string? Cursor, int? Limit) : IQuery<Page<PlatformEntry>>;

    /// <param name="PracticeId">The practice the action was about, if any.</param>
    public sealed record PlatformEntry(
        long Seq, DateTime OccurredAt, Guid? ActorUserId, string ActorRole, string Action, string? ResourceType, Guid? ResourceId, Guid? PracticeId);

    public sealed record Cursor(long Seq);

    public sealed class Handler(AppDbContext db) : IQueryHandler<Query, Page<PlatformEntry>>
    {
        public async ValueTask<Page<PlatformEntry>> Handle(Query query, CancellationToken ct)
        {
            var limit = Paging.Limit(query.Limit);
            var entries = db.PlatformAuditLog.AsNoTracking();
            if (Paging.Decode<Cursor>(query.Cursor) is { } after) entries = entries.Where(a => a.Seq < after.Seq);
            var rows = await entries.OrderByDescending(a => a.Seq)
                .Select(a => new PlatformEntry(a.Seq, a.OccurredAt, a.ActorUserId, a.ActorRole, a.Action, a.ResourceType, a.ResourceId, a.PracticeId))
                .Take(limit + 1)
                .ToListAsync(ct);
            return Paging.ToPage(rows, limit, e => e, e => new Cursor(e.Seq));
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/admin/audit", async (string? cursor, int? limit, ISender sender, CancellationToken ct) =>
                    Results.Ok(await sender.Send(new Query(cursor, limit), ct)))
                .WithTags("Audit").WithName("ListPlatformAuditEntries").RequireAuthorization()
                .WithSummary("List the platform audit chain (platform admin)")
                .WithDescription(
                    "What platform users (finance, platform admins) and the API binary's commands (`actorRole` `cli`) did, newest " +
                    "first: who, which action, on which resource and practice, when, and each entry's place `seq` in the platform " +
                    "hash chain. Every platform request is recorded, reads included. Practices' own audit trails are never listed here.")
                .WithResponseExample(Example)
                .Produces<Page<PlatformEntry>>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden);
    }

    internal static readonly Page<PlatformEntry> Example = new(
    [
        new PlatformEntry(42, new DateTime(2026, 12, 7, 9, 30, 0, DateTimeKind.Utc), Guid.Parse("0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a6b"), "platform_admin",
            "Admin.ListPractices", null, null, null),
        new PlatformEntry(41, new DateTime(2026, 12, 7, 9, 12, 0, DateTimeKind.Utc), null, PlatformAuditWriter.CliActorRole, "Auth.CreatePlatformUser", "user",
            Guid.Parse("0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a6b"), null),
    ], null);
}
