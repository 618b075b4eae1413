namespace OrthoScan.Ml.Datasets;

/// <summary>
/// How far a session's tag sets agree: the share of the taxonomy's scores, among those every tag set scored, on which
/// they all gave the same value (1 = full agreement). Null for a single tag set or when no score was scored by all.
/// </summary>
internal static class Agreement
{
    public static double? Of(MlTaxonomy taxonomy, IReadOnlyList<TagSetRow> tagSets)
    {
        if (tagSets.Count < 2) return null;
        var compared = 0;
        var equal = 0;
        foreach (var score in taxonomy.Scores)
        {
            var values = tagSets.Select(t => t.Scores.GetValueOrDefault(score.Attribute)).ToList();
            if (values.Any(v => v is null)) continue;
            compared++;
            if (values.Distinct(StringComparer.Ordinal).Count() == 1) equal++;
        }

        return compared == 0 ? null : Math.Round((double)equal / compared, 4);
    }
}
