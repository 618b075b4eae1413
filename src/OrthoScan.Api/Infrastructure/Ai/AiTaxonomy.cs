using OrthoScan.Ml;

namespace OrthoScan.Api.Infrastructure.Ai;

/// <summary>The served taxonomy (Domain/Taxonomy) as the ML module sees it: what suggesters answer in and are checked against.</summary>
public static class AiTaxonomy
{
    public static readonly MlTaxonomy Current = new(
        Taxonomy.Version,
        [.. Taxonomy.Scores.Select(s => new MlScore(s.Attribute, [.. s.Values.Select(v => v.Value)]))],
        [.. Taxonomy.CoreDetailTags.Select(t => t.Code)]);

    /// <summary>The notice that goes with every suggestion the API answers.</summary>
    public const string Notice = "Suggestions are non-diagnostic aids; a doctor confirms every tag.";
}
