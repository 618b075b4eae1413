using OrthoScan.Api.Infrastructure.Ai;
using OrthoScan.Api.Infrastructure.Analytics;
using OrthoScan.Api.Infrastructure.Caching;

namespace OrthoScan.Api.Features.Ai;

/// <summary>
/// Where the practice's doctors keep or change what the AI suggested, over the same whole UTC weeks as the dashboard
/// analytics, from the tag sets' <c>ai_outcomes</c> (every doctor's review, second reviews included): acceptance per
/// attribute (detail tags as one set), per model version and attribute, per doctor (all attributes together), and per
/// score the confusion of suggested (rows) against final (columns) values in the taxonomy's order. Aggregates and the
/// practice's own doctors, no patient identity: not audited. Cached per practice and window like the other analytics.
/// </summary>
public static class GetAiAcceptance
{
    public static readonly IReadOnlyList<string> Attributes = [.. Taxonomy.Scores.Select(s => s.Attribute), AiSuggestions.DetailTags];

    [RequiresRole(Role.Owner, Role.Doctor)]
    public sealed record Query(int Weeks) : IQuery<Response>;

    public sealed record Response(
        int Weeks, DateOnly From, DateOnly To, IReadOnlyList<AttributeAcceptance> ByAttribute, IReadOnlyList<ModelAcceptance> ByModel,
        IReadOnlyList<DoctorAcceptance> ByDoctor, IReadOnlyList<Confusion> Confusion, DateTime GeneratedAt);

    /// <summary>Suggestions the doctors saw for the attribute and how many they kept; rate null when none.</summary>
    public sealed record AttributeAcceptance(string Attribute, int Suggested, int Accepted, double? Rate);

    /// <summary>The model as "name@version".</summary>
    public sealed record ModelAcceptance(string Model, string Attribute, int Suggested, int Accepted, double? Rate);

    public sealed record DoctorAcceptance(Guid DoctorId, string DoctorName, int Suggested, int Accepted, double? Rate);

    /// <summary>Counts[i][j]: suggested Values[i], final Values[j].</summary>
    public sealed record Confusion(string Attribute, IReadOnlyList<string> Values, IReadOnlyList<IReadOnlyList<int>> Counts);

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => RuleFor(q => q.Weeks).InclusiveBetween(1, AnalyticsWindow.MaxWeeks);
    }

    // $1 practice, $2 window start, $3 window end (exclusive), as in the dashboard analytics: one pass over the window's
    // outcomes, grouped four ways.
    private const string Outcomes = """
        SELECT t.tagged_by, o.outcome ->> 'attribute' AS attribute, o.outcome ->> 'model' AS model,
               o.outcome ->> 'suggested' AS suggested, o.outcome ->> 'chosen' AS chosen,
               NOT (o.outcome ->> 'overridden')::boolean AS kept
        FROM tag_sets t
        CROSS JOIN LATERAL jsonb_array_elements(CASE jsonb_typeof(t.ai_outcomes) WHEN 'array' THEN t.ai_outcomes ELSE '[]' END) AS o(outcome)
        WHERE t.practice_id = $1 AND t.tagged_at >= $2 AND t.tagged_at < $3
        """;

    private static readonly string[] Statements =
    [
        $"WITH x AS ({Outcomes}) SELECT attribute, count(*), count(*) FILTER (WHERE kept) FROM x GROUP BY 1",
        $"WITH x AS ({Outcomes}) SELECT model, attribute, count(*), count(*) FILTER (WHERE kept) FROM x GROUP BY 1, 2 ORDER BY 1, 2",
        $"""
        WITH x AS ({Outcomes})
        SELECT x.tagged_by, m.name, count(*), count(*) FILTER (WHERE kept)
        FROM x JOIN practice_members m ON m.id = x.tagged_by
        GROUP BY 1, 2 ORDER BY 2, 1
        """,
        $"WITH x AS ({Outcomes}) SELECT attribute, suggested, chosen, count(*) FROM x WHERE attribute <> '{AiSuggestions.DetailTags}' GROUP BY 1, 2, 3",
    ];

    public sealed class Handler(AppDbContext db, RequestContext context, PracticeCache cache, TimeProvider clock) : IQueryHandler<Query, Response>
    {
        public async ValueTask<Response> Handle(Query query, CancellationToken ct)
        {
            var practiceId = context.RequirePractice();
            var now = clock.UtcNow();
            var window = AnalyticsWindow.Ending(now, query.Weeks);
            return await cache.GetOrCreateAsync(practiceId, $"ai-acceptance:{window.CacheKey}", c => ComputeAsync(practiceId, window, now, c), ct);
        }

        private Task<Response> ComputeAsync(Guid practiceId, AnalyticsWindow window, DateTime now, CancellationToken ct) =>
            db.QueryBatchAsync(Statements, [practiceId, window.Start, window.End], async reader =>
            {
                var byAttribute = (await reader.RowsAsync(r => (Attribute: r.GetString(0), Suggested: (int)r.GetInt64(1), Kept: (int)r.GetInt64(2)), ct))
                    .ToDictionary(r => r.Attribute);
                var byModel = await reader.RowsAsync(r => new ModelAcceptance(r.GetString(0), r.GetString(1), (int)r.GetInt64(2), (int)r.GetInt64(3), Rate(r.GetInt64(3), r.GetInt64(2))), ct);
                var byDoctor = await reader.RowsAsync(r => new DoctorAcceptance(r.GetGuid(0), r.GetString(1), (int)r.GetInt64(2), (int)r.GetInt64(3), Rate(r.GetInt64(3), r.GetInt64(2))), ct);
                var pairs = (await reader.RowsAsync(r => (Attribute: r.GetString(0), Suggested: r.GetString(1), Chosen: r.GetString(2), Count: (int)r.GetInt64(3)), ct))
                    .ToDictionary(p => (p.Attribute, p.Suggested, p.Chosen), p => p.Count);

                return new Response(
                    window.Weeks, window.From, window.To,
                    [.. Attributes.Select(a => byAttribute.TryGetValue(a, out var r)
                        ? new AttributeAcceptance(a, r.Suggested, r.Kept, Rate(r.Kept, r.Suggested))
                        : new AttributeAcceptance(a, 0, 0, null))],
                    byModel, byDoctor,
                    [.. Taxonomy.Scores.Select(score =>
                    {
                        var values = score.Values.Select(v => v.Value).ToList();
                        return new Confusion(score.Attribute, values,
                            [.. values.Select(suggested => (IReadOnlyList<int>)[.. values.Select(chosen => pairs.GetValueOrDefault((score.Attribute, suggested, chosen)))])]);
                    })],
                    now);
            }, ct);

        private static double? Rate(long accepted, long suggested) => suggested == 0 ? null : (double)accepted / suggested;
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/dashboard/ai-acceptance", async (int? weeks, ISender sender, CancellationToken ct) =>
                    Results.Ok(await sender.Send(new Query(weeks ?? AnalyticsWindow.DefaultWeeks), ct)))
                .WithTags("Dashboard").WithName("AiAcceptance").RequireAuthorization()
                .WithSummary("AI suggestion acceptance")
                .WithDescription(
                    "How often the practice's doctors kept the AI's suggestions over the last `weeks` whole UTC weeks (default 12, " +
                    "1 to 52): per attribute, per model version and attribute, per doctor, and per score the confusion between " +
                    "suggested (rows) and final (columns) values. Aggregates only.")
                .Produces<Response>().ProducesValidationProblem()
                .WithResponseExample(new Response(12, new DateOnly(2026, 9, 14), new DateOnly(2026, 12, 6),
                    [new AttributeAcceptance("overall_tracking", 40, 34, 0.85)],
                    [new ModelAcceptance("orthoscan-mlnet@2026.12.01", "overall_tracking", 40, 34, 0.85)],
                    [new DoctorAcceptance(Guid.Parse("0193a6f2-7c1e-7b3a-9f00-2b9c7e1d4a10"), "Dr. Samuel Okafor", 40, 34, 0.85)],
                    [new Confusion("overall_tracking", ["1", "2", "3"], [[30, 3, 0], [2, 4, 1], [0, 0, 0]])],
                    new DateTime(2026, 12, 7, 9, 30, 0, DateTimeKind.Utc)));
    }
}
