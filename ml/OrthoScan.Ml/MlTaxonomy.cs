namespace OrthoScan.Ml;

/// <summary>
/// The tag taxonomy as the ML module sees it: the Api hands it over (from its Domain/Taxonomy), so datasets, models and
/// suggesters follow the served taxonomy without knowing where it lives.
/// </summary>
public sealed record MlTaxonomy(string Version, IReadOnlyList<MlScore> Scores, IReadOnlyList<string> DetailTagCodes)
{
    public MlScore? Score(string attribute) => Scores.FirstOrDefault(s => s.Attribute == attribute);

    /// <summary>Whether <paramref name="value"/> is one of the score's values (a suggestion outside it is refused).</summary>
    public bool Accepts(string attribute, string value) => Score(attribute)?.Values.Contains(value) ?? false;
}

/// <summary>One score (overall_tracking, aligner_fit, oral_hygiene): its values in order ("1", "2", "3", "not_applicable").</summary>
public sealed record MlScore(string Attribute, IReadOnlyList<string> Values);
