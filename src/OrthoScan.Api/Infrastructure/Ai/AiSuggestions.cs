namespace OrthoScan.Api.Infrastructure.Ai;

/// <summary>
/// What the review screen pre-fills and what a review is compared with: the latest model run on a scan. A run has one
/// row per taxonomy score (its attribute key, one of the score's values) and one <see cref="DetailTag"/> row per tag code.
/// </summary>
public static class AiSuggestions
{
    public const string DetailTag = "detail_tag";
    /// <summary>The outcome attribute for the detail tags as one set.</summary>
    public const string DetailTags = "detail_tags";

    public sealed record Suggestion(string Attribute, string Value, float Confidence, string ModelName, string ModelVersion);

    public static async Task<IReadOnlyList<Suggestion>> LatestRunAsync(AppDbContext db, Guid sessionId, CancellationToken ct)
    {
        // A scan has a handful of suggestion rows: one query, and the latest run picked here.
        var rows = await db.AiSuggestions.AsNoTracking().Where(a => a.SessionId == sessionId).ToListAsync(ct);
        if (rows.Count == 0) return [];
        var latest = rows.Max(a => a.CreatedAt);
        return [.. rows.Where(a => a.CreatedAt == latest).OrderBy(a => a.Attribute, StringComparer.Ordinal).ThenBy(a => a.Value, StringComparer.Ordinal)
            .Select(a => new Suggestion(a.Attribute, a.Value, a.Confidence, a.ModelName, a.ModelVersion))];
    }

    /// <summary>
    /// Per suggested attribute, whether the doctor kept the AI's value. Detail tags count as one attribute: accepted only
    /// when the doctor's set of codes equals the suggested set.
    /// </summary>
    public static List<AiOutcome> Compare(
        IReadOnlyList<Suggestion> suggestions, IEnumerable<(Taxonomy.Score Score, int? Value)> scores, IEnumerable<string> detailTags)
    {
        var outcomes = new List<AiOutcome>();
        foreach (var (score, value) in scores)
        {
            if (suggestions.FirstOrDefault(s => s.Attribute == score.Attribute) is { } s)
                outcomes.Add(Outcome(score.Attribute, s.Value, Taxonomy.Score.ValueOf(value), s.Confidence, s));
        }

        var suggestedTags = suggestions.Where(s => s.Attribute == DetailTag).ToList();
        if (suggestedTags.Count > 0)
        {
            var suggested = string.Join(",", suggestedTags.Select(s => s.Value).Distinct().Order(StringComparer.Ordinal));
            var chosen = string.Join(",", detailTags.Distinct().Order(StringComparer.Ordinal));
            outcomes.Add(Outcome(DetailTags, suggested, chosen, suggestedTags.Min(s => s.Confidence), suggestedTags[0]));
        }
        return outcomes;
    }

    private static AiOutcome Outcome(string attribute, string suggested, string chosen, float confidence, Suggestion from) => new()
    {
        Attribute = attribute, Suggested = suggested, Chosen = chosen, Confidence = confidence,
        Model = $"{from.ModelName}@{from.ModelVersion}", Overridden = suggested != chosen,
    };
}
