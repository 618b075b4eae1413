using OrthoScan.Api.Infrastructure.Ai;
using OrthoScan.Api.Infrastructure.Analytics;
using OrthoScan.Api.Infrastructure.Caching;

namespace OrthoScan.Api.Features.Dashboard;

/// <summary>
/// The practice's review throughput over whole UTC weeks (Monday to Sunday) ending with the current one: scans received
/// (submitted) and reviewed (first review) per week, the median time from submission to first review and the median
/// review duration, the tagging rate (share of the window's submitted scans reviewed so far), the score distributions
/// and the AI acceptance per attribute over the window's tag sets (every doctor's, second reviews included). Score
/// distributions and AI attributes follow the taxonomy: one distribution per score, every value of it in order, zeros included.
/// Aggregates only, no patient identity: not audited, unlike the compliance list that names patients.
/// Cached per practice and window; a new tag set, submission or review invalidates it (<see cref="PracticeCacheInvalidation"/>).
/// </summary>
public static class Analytics
{
    public static readonly IReadOnlyList<string> AiAttributes = [.. Taxonomy.Scores.Select(s => s.Attribute), AiSuggestions.DetailTags];

    [RequiresRole(Role.Owner, Role.Doctor, Role.Staff)]
    public sealed record Query(int Weeks) : IQuery<Response>;

    public sealed record Response(
        DateOnly From, DateOnly To, IReadOnlyList<Week> Weeks, double? MedianMinutesToReview, double? MedianReviewSeconds, double? TaggingRate,
        IReadOnlyList<ScoreDistribution> Scores, IReadOnlyList<AiAcceptance> AiAcceptance, DateTime GeneratedAt);

    public sealed record Week(DateOnly WeekStart, int Received, int Reviewed);

    /// <summary>A taxonomy score's attribute key and the count of every one of its values.</summary>
    public sealed record ScoreDistribution(string Attribute, IReadOnlyList<ValueCount> Values);

    public sealed record ValueCount(string Value, int Count);

    /// <summary>Tag sets whose review had an AI suggestion for the attribute, and how many kept it; detail tags as one set.</summary>
    public sealed record AiAcceptance(string Attribute, int Suggested, int Accepted, double? Rate);

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => RuleFor(q => q.Weeks).InclusiveBetween(1, AnalyticsWindow.MaxWeeks);
    }

    // $1 practice, $2 window start, $3 window end (exclusive). The explicit practice_id keeps the (practice_id, ...)
    // indexes usable; row-level security applies on top. Weeks are binned from the window start.
    private static readonly string[] Statements =
    [
        """
        SELECT date_bin('7 days', s.submitted_at, $2), count(*), count(s.reviewed_at)
        FROM scan_sessions s
        WHERE s.practice_id = $1 AND s.submitted_at >= $2 AND s.submitted_at < $3
        GROUP BY 1
        """,
        """
        SELECT date_bin('7 days', s.reviewed_at, $2), count(*)
        FROM scan_sessions s
        WHERE s.practice_id = $1 AND s.reviewed_at >= $2 AND s.reviewed_at < $3
        GROUP BY 1
        """,
        """
        SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM s.reviewed_at - s.submitted_at)::float8 / 60)
        FROM scan_sessions s
        WHERE s.practice_id = $1 AND s.reviewed_at >= $2 AND s.reviewed_at < $3 AND s.submitted_at IS NOT NULL
        """,
        """
        SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t.tagged_at - t.review_opened_at)::float8)
        FROM tag_sets t
        WHERE t.practice_id = $1 AND t.tagged_at >= $2 AND t.tagged_at < $3
        """,
        $"""
        SELECT score.attribute, score.value, count(*)
        FROM tag_sets t
        CROSS JOIN LATERAL (VALUES
            ('{Taxonomy.OverallTracking.Attribute}', t.overall_tracking::text),
            ('{Taxonomy.AlignerFit.Attribute}', coalesce(t.aligner_fit::text, '{Taxonomy.NotApplicable}')),
            ('{Taxonomy.OralHygiene.Attribute}', t.oral_hygiene::text)) AS score(attribute, value)
        WHERE t.practice_id = $1 AND t.tagged_at >= $2 AND t.tagged_at < $3
        GROUP BY 1, 2
        """,
        """
        SELECT o.outcome ->> 'attribute', count(*), count(*) FILTER (WHERE NOT (o.outcome ->> 'overridden')::boolean)
        FROM tag_sets t
        CROSS JOIN LATERAL jsonb_array_elements(CASE jsonb_typeof(t.ai_outcomes) WHEN 'array' THEN t.ai_outcomes ELSE '[]' END) AS o(outcome)
        WHERE t.practice_id = $1 AND t.tagged_at >= $2 AND t.tagged_at < $3
        GROUP BY 1
        """,
    ];

    public sealed class Handler(AppDbContext db, RequestContext context, PracticeCache cache, TimeProvider clock) : IQueryHandler<Query, Response>
    {
        public async ValueTask<Response> Handle(Query query, CancellationToken ct)
        {
            var practiceId = context.RequirePractice();
            var now = clock.UtcNow();
            var window = AnalyticsWindow.Ending(now, query.Weeks);
            return await cache.GetOrCreateAsync(practiceId, $"dashboard-analytics:{window.CacheKey}", c => ComputeAsync(practiceId, window, now, c), ct);
        }

        private Task<Response> ComputeAsync(Guid practiceId, AnalyticsWindow window, DateTime now, CancellationToken ct) =>
            db.QueryBatchAsync(Statements, [practiceId, window.Start, window.End], async reader =>
            {
                var received = await reader.RowsAsync(r => (Week: r.GetDateTime(0), Received: r.GetInt64(1), Reviewed: r.GetInt64(2)), ct);
                var reviewed = (await reader.RowsAsync(r => (Week: r.GetDateTime(0), Count: r.GetInt64(1)), ct)).ToDictionary(r => r.Week, r => r.Count);
                var minutesToReview = (await reader.RowsAsync(r => r.NullableDouble(0), ct)).Single();
                var reviewSeconds = (await reader.RowsAsync(r => r.NullableDouble(0), ct)).Single();
                var scores = (await reader.RowsAsync(r => (Attribute: r.GetString(0), Value: r.GetString(1), Count: r.GetInt64(2)), ct))
                    .ToDictionary(r => (r.Attribute, r.Value), r => (int)r.Count);
                var ai = (await reader.RowsAsync(r => (Attribute: r.GetString(0), Suggested: (int)r.GetInt64(1), Accepted: (int)r.GetInt64(2)), ct))
                    .ToDictionary(r => r.Attribute);

                var receivedByWeek = received.ToDictionary(r => r.Week, r => r.Received);
                var weeks = Enumerable.Range(0, window.Weeks).Select(i =>
                {
                    var start = window.Start.AddDays(7 * i);
                    return new Week(window.From.AddDays(7 * i), (int)receivedByWeek.GetValueOrDefault(start), (int)reviewed.GetValueOrDefault(start));
                }).ToList();
                var receivedTotal = received.Sum(r => r.Received);
                double? taggingRate = receivedTotal == 0 ? null : (double)received.Sum(r => r.Reviewed) / receivedTotal;

                return new Response(window.From, window.To, weeks, minutesToReview, reviewSeconds, taggingRate, Distributions(scores),
                    AiAttributes.Select(a => ai.TryGetValue(a, out var r)
                        ? new AiAcceptance(a, r.Suggested, r.Accepted, (double)r.Accepted / r.Suggested)
                        : new AiAcceptance(a, 0, 0, null)).ToList(),
                    now);
            }, ct);
    }

    /// <summary>Every taxonomy score with the count of each of its values; values outside the taxonomy are not shown.</summary>
    public static IReadOnlyList<ScoreDistribution> Distributions(IReadOnlyDictionary<(string Attribute, string Value), int> counts) =>
        [.. Taxonomy.Scores.Select(s => new ScoreDistribution(s.Attribute, [.. s.Values.Select(v => new ValueCount(v.Value, counts.GetValueOrDefault((s.Attribute, v.Value))))]))];

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/dashboard/analytics", async (int? weeks, ISender sender, CancellationToken ct) =>
                    Results.Ok(await sender.Send(new Query(weeks ?? AnalyticsWindow.DefaultWeeks), ct)))
                .WithTags("Dashboard").WithName("DashboardAnalytics").RequireAuthorization()
                .WithSummary("Review throughput analytics")
                .WithDescription(
                    "Over the last `weeks` whole UTC weeks (default 12, 1 to 52): scans received and reviewed per week, median time " +
                    "to first review and median review duration, tagging rate, score distributions and AI acceptance per attribute. " +
                    "Aggregates only.")
                .Produces<Response>().ProducesValidationProblem();
    }
}
