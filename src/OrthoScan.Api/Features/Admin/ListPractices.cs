namespace OrthoScan.Api.Features.Admin;

/// <summary>
/// The platform admin's console: every practice with its plan, status and how it uses the product (active patients,
/// scans per week, tagging rate). Read through the platform read path (ADR 0009), so it holds aggregates only: never a
/// patient's name, id or photo. Alphabetical, paged.
/// </summary>
public static class ListPractices
{
    [RequiresRole(Role.PlatformAdmin)]
    public sealed record Query(string? Cursor, int? Limit) : IQuery<Page<PracticeSummary>>;

    /// <param name="TaggingRate">Of the last 28 days' scans, the share tagged within 14 days; null without scans.</param>
    public sealed record PracticeSummary(
        Guid PracticeId, string Name, SubscriptionTier SubscriptionTier, PracticeStatus Status, DateTime CreatedAt,
        long ActivePatients, long ScansLast7Days, long ScansLast28Days, decimal? TaggingRate);

    public sealed record Cursor(string Name, Guid Id);

    private sealed record Row(
        Guid PracticeId, string PracticeName, string SubscriptionTier, string Status, DateTime CreatedAt,
        long ActivePatients, long ScansLast7Days, long ScansLast28Days, decimal? TaggingRate);

    public sealed class Handler(AppDbContext db) : IQueryHandler<Query, Page<PracticeSummary>>
    {
        public async ValueTask<Page<PracticeSummary>> Handle(Query query, CancellationToken ct)
        {
            var limit = Paging.Limit(query.Limit);
            var after = Paging.Decode<Cursor>(query.Cursor);
            // Columns named as the model's snake_case convention reads Row's properties.
            var overview = db.Database.SqlQuery<Row>($"""
                SELECT practice_id, practice_name, subscription_tier, status, created_at, active_patients,
                       scans_last_7_days AS scans_last7days, scans_last_28_days AS scans_last28days, tagging_rate
                FROM platform_practice_overview()
                """);
            if (after is not null)
                overview = overview.Where(r => string.Compare(r.PracticeName, after.Name) > 0 || (r.PracticeName == after.Name && r.PracticeId.CompareTo(after.Id) > 0));
            var rows = await overview.OrderBy(r => r.PracticeName).ThenBy(r => r.PracticeId).Take(limit + 1).ToListAsync(ct);
            return Paging.ToPage(rows, limit, ToSummary, r => new Cursor(r.PracticeName, r.PracticeId));
        }

        private static PracticeSummary ToSummary(Row r) => new(
            r.PracticeId, r.PracticeName, Enum.Parse<SubscriptionTier>(r.SubscriptionTier, ignoreCase: true),
            Enum.Parse<PracticeStatus>(r.Status, ignoreCase: true), r.CreatedAt, r.ActivePatients, r.ScansLast7Days, r.ScansLast28Days, r.TaggingRate);
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/admin/practices", async (string? cursor, int? limit, ISender sender, CancellationToken ct) =>
                    Results.Ok(await sender.Send(new Query(cursor, limit), ct)))
                .WithTags("Admin").WithName("ListPractices").RequireAuthorization()
                .WithSummary("List every practice (platform admin)")
                .WithDescription(
                    "Every practice by name with its plan, status, active patients, scans in the last 7 and 28 days and its tagging " +
                    "rate (the last 28 days' scans tagged within 14 days). Aggregates only, through the platform read path: no " +
                    "patient's identity.")
                .Produces<Page<PracticeSummary>>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden);
    }
}
