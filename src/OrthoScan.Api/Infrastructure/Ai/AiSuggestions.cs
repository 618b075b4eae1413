using System.Globalization;

namespace OrthoScan.Api.Infrastructure.Ai;

/// <summary>What the review screen pre-fills and what a review is compared with: the latest model run on a scan.</summary>
public static class AiSuggestions
{
    public const string OverallTracking = "overall_tracking";
    public const string AlignerFit = "aligner_fit";
    public const string OralHygiene = "oral_hygiene";
    public const string DetailTag = "detail_tag";
    /// <summary>The outcome attribute for the detail tags as one set.</summary>
    public const string DetailTags = "detail_tags";
    public const string NotApplicable = "not_applicable";

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
    public static List<AiOutcome> Compare(IReadOnlyList<Suggestion> suggestions, int overallTracking, int? alignerFit, int oralHygiene, IEnumerable<string> detailTags)
    {
        var outcomes = new List<AiOutcome>();
        void Score(string attribute, string chosen)
        {
            if (suggestions.FirstOrDefault(s => s.Attribute == attribute) is { } s)
                outcomes.Add(Outcome(attribute, s.Value, chosen, s.Confidence, s));
        }
        Score(OverallTracking, overallTracking.ToString(CultureInfo.InvariantCulture));
        Score(AlignerFit, alignerFit?.ToString(CultureInfo.InvariantCulture) ?? NotApplicable);
        Score(OralHygiene, oralHygiene.ToString(CultureInfo.InvariantCulture));

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
