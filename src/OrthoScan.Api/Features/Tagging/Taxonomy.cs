namespace OrthoScan.Api.Features.Tagging;

/// <summary>
/// The clinical tag vocabulary as data. Every tag set records the version it was made with, so training data
/// stays interpretable when the vocabulary grows. A practice adds its own detail tags in its settings.
/// </summary>
public static class Taxonomy
{
    public const string Version = "2026.1";

    public sealed record Score(string Attribute, int Min, int Max, bool NotApplicableAllowed, string Description);

    public static readonly Score[] Scores =
    [
        new("overallTracking", 1, 3, false, "1 on track, 2 minor deviation, 3 off track"),
        new("alignerFit", 1, 3, true, "1 fully seated, 2 small gaps, 3 unseated; null when not applicable"),
        new("oralHygiene", 1, 3, false, "1 good, 2 fair, 3 poor"),
    ];

    public static readonly string[] CoreDetailTags =
    [
        "attachment_lost", "aligner_unseated", "elastic_not_worn", "aligner_broken", "plaque",
        "gingival_inflammation", "calculus", "space_opening", "poor_photo",
    ];

    public static readonly string[] Regions =
    [
        "upper", "lower", "upper_anterior", "lower_anterior", "upper_left", "upper_right", "lower_left", "lower_right", "full_mouth",
    ];

    /// <summary>FDI permanent teeth: quadrant 1-4, tooth 1-8 ("11" to "48").</summary>
    public static bool IsLocation(string location) =>
        Regions.Contains(location) || (location.Length == 2 && location[0] is >= '1' and <= '4' && location[1] is >= '1' and <= '8');

    public static IReadOnlyList<string> DetailTagsFor(PracticeSettings settings) => [.. CoreDetailTags, .. settings.CustomDetailTags];
}
