using System.Text.Json;
using OrthoScan.Api.Infrastructure.Analytics;
using OrthoScan.Api.Infrastructure.Caching;

namespace OrthoScan.Api.Features.Tagging;

/// <summary>
/// How the practice's doctors tag, over the same whole UTC weeks as the dashboard analytics: tag sets written, detail
/// tags (each finding counts, most frequent first), actions taken, and inter-doctor agreement per score. Agreement
/// pairs the first two tag sets (by tagged_at) of every session that has at least two, counted in the week of the
/// second one; Cohen's kappa treats "first reviewer" and "second reviewer" as the two raters. One agreement per taxonomy score.
/// Aggregates only, no patient identity: not audited. Cached like the dashboard analytics.
/// </summary>
public static class TagAnalytics
{
    [RequiresRole(Role.Owner, Role.Doctor)]
    public sealed record Query(int Weeks) : IQuery<Response>;

    public sealed record Response(
        DateOnly From, DateOnly To, int TagSets, IReadOnlyList<DetailTagCount> DetailTags, IReadOnlyList<ActionCount> Actions,
        IReadOnlyList<Agreement> Agreement, DateTime GeneratedAt);

    public sealed record DetailTagCount(string Code, int Count);

    public sealed record ActionCount(ReviewAction Action, int Count);

    /// <summary>Kappa and observed agreement rounded to 4 decimals; null when there are too few pairs (kappa also when undefined).</summary>
    public sealed record Agreement(string Attribute, int Pairs, double? ObservedAgreement, double? Kappa);

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => RuleFor(q => q.Weeks).InclusiveBetween(1, AnalyticsWindow.MaxWeeks);
    }

    // $1 practice, $2 window start, $3 window end (exclusive), as in Analytics. The pairs come from one window pass:
    // the second tag set of a session carries the first one's scores through lag(), no self-join.
    private static readonly string[] Statements =
    [
        """
        SELECT count(*) FROM tag_sets t
        WHERE t.practice_id = $1 AND t.tagged_at >= $2 AND t.tagged_at < $3
        """,
        """
        SELECT d.tag ->> 'Code', count(*)
        FROM tag_sets t
        CROSS JOIN LATERAL jsonb_array_elements(CASE jsonb_typeof(t.detail_tags) WHEN 'array' THEN t.detail_tags ELSE '[]' END) AS d(tag)
        WHERE t.practice_id = $1 AND t.tagged_at >= $2 AND t.tagged_at < $3
        GROUP BY 1
        """,
        """
        SELECT t.action_taken, count(*) FROM tag_sets t
        WHERE t.practice_id = $1 AND t.tagged_at >= $2 AND t.tagged_at < $3
        GROUP BY 1
        """,
        $"""
        WITH ranked AS (
            SELECT t.tagged_at, t.overall_tracking, t.aligner_fit, t.oral_hygiene,
                   row_number() OVER w AS n,
                   lag(t.overall_tracking) OVER w AS first_tracking, lag(t.aligner_fit) OVER w AS first_fit,
                   lag(t.oral_hygiene) OVER w AS first_hygiene
            FROM tag_sets t
            WHERE t.practice_id = $1 AND t.session_id IN (
                SELECT w.session_id FROM tag_sets w WHERE w.practice_id = $1 AND w.tagged_at >= $2 AND w.tagged_at < $3)
            WINDOW w AS (PARTITION BY t.session_id ORDER BY t.tagged_at, t.id)
        )
        SELECT x.attribute, x.a, x.b, count(*)
        FROM ranked pair
        CROSS JOIN LATERAL (VALUES
            ('{Taxonomy.OverallTracking.Attribute}', pair.first_tracking::text, pair.overall_tracking::text),
            ('{Taxonomy.AlignerFit.Attribute}', coalesce(pair.first_fit::text, '{Taxonomy.NotApplicable}'), coalesce(pair.aligner_fit::text, '{Taxonomy.NotApplicable}')),
            ('{Taxonomy.OralHygiene.Attribute}', pair.first_hygiene::text, pair.oral_hygiene::text)) AS x(attribute, a, b)
        WHERE pair.n = 2 AND pair.tagged_at >= $2 AND pair.tagged_at < $3
        GROUP BY 1, 2, 3
        """,
    ];

    public sealed class Handler(AppDbContext db, RequestContext context, PracticeCache cache, TimeProvider clock) : IQueryHandler<Query, Response>
    {
        public async ValueTask<Response> Handle(Query query, CancellationToken ct)
        {
            var practiceId = context.RequirePractice();
            var now = clock.UtcNow();
            var window = AnalyticsWindow.Ending(now, query.Weeks);
            return await cache.GetOrCreateAsync(practiceId, $"tag-analytics:{window.CacheKey}", c => ComputeAsync(practiceId, window, now, c), ct);
        }

        private Task<Response> ComputeAsync(Guid practiceId, AnalyticsWindow window, DateTime now, CancellationToken ct) =>
            db.QueryBatchAsync(Statements, [practiceId, window.Start, window.End], async reader =>
            {
                var tagSets = (await reader.RowsAsync(r => r.GetInt64(0), ct)).Single();
                var detailTags = (await reader.RowsAsync(r => new DetailTagCount(r.GetString(0), (int)r.GetInt64(1)), ct))
                    .OrderByDescending(t => t.Count).ThenBy(t => t.Code, StringComparer.Ordinal).ToList();
                var actions = (await reader.RowsAsync(r => (Action: r.GetString(0), Count: (int)r.GetInt64(1)), ct)).ToDictionary(a => a.Action, a => a.Count);
                var pairs = await reader.RowsAsync(r => (Attribute: r.GetString(0), A: r.GetString(1), B: r.GetString(2), Count: (int)r.GetInt64(3)), ct);

                var actionCounts = Taxonomy.Actions.Select(t => t.Action)
                    .Select(a => new ActionCount(a, actions.GetValueOrDefault(JsonNamingPolicy.SnakeCaseLower.ConvertName(a.ToString()))))
                    .OrderByDescending(a => a.Count).ThenBy(a => a.Action).ToList();
                var agreement = Taxonomy.Scores.Select(score =>
                {
                    var result = CohensKappa.FromTable(pairs.Where(p => p.Attribute == score.Attribute).Select(p => (p.A, p.B, p.Count)).ToList());
                    return new Agreement(score.Attribute, result.Pairs, Round(result.ObservedAgreement), Round(result.Kappa));
                }).ToList();
                return new Response(window.From, window.To, (int)tagSets, detailTags, actionCounts, agreement, now);
            }, ct);

        private static double? Round(double? value) => value is { } v ? Math.Round(v, 4) : null;
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/tags/analytics", async (int? weeks, ISender sender, CancellationToken ct) =>
                    Results.Ok(await sender.Send(new Query(weeks ?? AnalyticsWindow.DefaultWeeks), ct)))
                .WithTags("Tagging").WithName("TagAnalytics").RequireAuthorization()
                .WithSummary("Tagging analytics")
                .WithDescription(
                    "How the practice's doctors tag over the last `weeks` whole UTC weeks (default 12, 1 to 52): tag sets written, " +
                    "detail tag and action counts, and agreement between the first two reviews of a scan (Cohen's kappa) per score. " +
                    "Aggregates only.")
                .Produces<Response>().ProducesValidationProblem();
    }
}
