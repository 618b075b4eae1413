namespace OrthoScan.Ml.Datasets;

/// <summary>
/// One tag set's cells in <see cref="DatasetColumns.For"/> order, each a string, an int, a double or null (unknown).
/// Only what the taxonomy knows is copied: score values it accepts and detail tags with its codes, so no free text can
/// slip through a field.
/// </summary>
internal static class TagSetRecord
{
    public static object?[] Build(MlTaxonomy taxonomy, TagSetRow row, ExportedSession session)
    {
        var q = session.Identifiers;
        var ai = row.Predictions.Where(p => taxonomy.Accepts(p.Attribute, p.Value)).ToList();
        return
        [
            session.PatientId, session.SessionId, session.PracticeId, session.Split, row.ReviewOrder, row.TagSetsInSession, session.Agreement,
            q.AgeBand, q.TreatmentType, q.AlignerBrand, q.PracticeRegion,
            row.DaysSinceTreatmentStart, row.DaysSinceLastScan, row.Stage, row.TotalStages, StageFraction(row),
            .. taxonomy.Scores.Select(s => Score(taxonomy, s.Attribute, row.Scores)),
            Join(row.DetailTags.Where(t => taxonomy.DetailTagCodes.Contains(CodeOf(t)))), row.Action,
            .. taxonomy.Scores.Select(s => Score(taxonomy, s.Attribute, row.PreviousScores)),
            .. taxonomy.Scores.Select(s => ai.FirstOrDefault(p => p.Attribute == s.Attribute)?.Value),
            Join(ai.Select(p => p.Model).Distinct(StringComparer.Ordinal)),
            Join(session.Images),
        ];
    }

    private static double? StageFraction(TagSetRow row) =>
        row is { Stage: { } stage, TotalStages: > 0 and var total } ? Math.Round((double)stage / total, 4) : null;

    private static string? Score(MlTaxonomy taxonomy, string attribute, IReadOnlyDictionary<string, string>? scores) =>
        scores?.GetValueOrDefault(attribute) is { } value && taxonomy.Accepts(attribute, value) ? value : null;

    private static string CodeOf(string detailTag)
    {
        var at = detailTag.IndexOf('@', StringComparison.Ordinal);
        return at < 0 ? detailTag : detailTag[..at];
    }

    private static string? Join(IEnumerable<string> values)
    {
        var joined = string.Join(DatasetColumns.ListSeparator, values);
        return joined.Length == 0 ? null : joined;
    }
}
