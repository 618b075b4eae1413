using System.Globalization;

namespace OrthoScan.Api.Domain;

/// <summary>
/// The clinical tag vocabulary as data, and the only place it is written down: the tag validator, both analytics, the
/// AI comparison, the demo seed and (through <c>GET /tags/taxonomy</c>) the dashboard read it. Every tag set records the
/// version it was made with, so training data stays interpretable when the vocabulary grows. A practice adds its own
/// detail tags in its settings.
/// Keys are values, so they are snake_case like every enum value of the API (<c>overall_tracking</c>,
/// <c>not_applicable</c>, <c>attachment_lost</c>); where a score is a JSON property (the tag body, a timeline outcome)
/// the property's name is the camelCase of its key (<c>overallTracking</c>).
/// </summary>
public static class Taxonomy
{
    public const string Version = "2026.1";

    /// <summary>The value of a score that does not apply, for scores that allow it (the tag body sends null).</summary>
    public const string NotApplicable = "not_applicable";

    /// <summary>A score's value as analytics and AI suggestions spell it ("1", "2", ... or not_applicable) and the words for it.</summary>
    public sealed record ScoreValue(string Value, string Label);

    /// <summary>A score from <see cref="Min"/> (best) to <see cref="Max"/> (worst); <see cref="Values"/> lists every one, in order.</summary>
    public sealed record Score(string Attribute, string Label, int Min, int Max, bool NotApplicableAllowed, IReadOnlyList<ScoreValue> Values)
    {
        /// <summary>A score as the tag body carries it: a whole number in range, or null where not applicable is allowed.</summary>
        public bool Accepts(int? score) => score is { } s ? s >= Min && s <= Max : NotApplicableAllowed;

        public string Rule() => NotApplicableAllowed ? $"Score {Min} to {Max}, or leave empty when not applicable." : $"Score {Min} to {Max}.";

        /// <summary>A stored score (null: not applicable) as one of <see cref="Values"/>.</summary>
        public static string ValueOf(int? score) => score?.ToString(CultureInfo.InvariantCulture) ?? NotApplicable;
    }

    /// <summary>A detail tag or a location: its code and the words the dashboard shows for it.</summary>
    public sealed record Term(string Code, string Label);

    public sealed record ActionTerm(ReviewAction Action, string Label);

    public sealed record DayRange(int Min, int Max)
    {
        public bool Contains(int? days) => days >= Min && days <= Max;
    }

    public static readonly Score OverallTracking = Scale("overall_tracking", "Tracking", null, "On track", "Minor deviation", "Off track");
    public static readonly Score AlignerFit = Scale("aligner_fit", "Aligner fit", "Not applicable", "Fully seated", "Small gaps", "Unseated");
    public static readonly Score OralHygiene = Scale("oral_hygiene", "Hygiene", null, "Good", "Fair", "Poor");

    /// <summary>In the order a doctor decides them.</summary>
    public static readonly IReadOnlyList<Score> Scores = [OverallTracking, AlignerFit, OralHygiene];

    public static readonly IReadOnlyList<Term> CoreDetailTags =
    [
        new("attachment_lost", "Attachment lost"), new("aligner_unseated", "Aligner unseated"), new("elastic_not_worn", "Elastic not worn"),
        new("aligner_broken", "Aligner broken"), new("plaque", "Plaque"), new("gingival_inflammation", "Gingival inflammation"),
        new("calculus", "Calculus"), new("space_opening", "Space opening"), new("poor_photo", "Poor photo"),
    ];

    public static readonly IReadOnlyList<Term> Regions =
    [
        new("upper", "Upper arch"), new("lower", "Lower arch"), new("upper_anterior", "Upper anterior"), new("lower_anterior", "Lower anterior"),
        new("upper_left", "Upper left"), new("upper_right", "Upper right"), new("lower_left", "Lower left"), new("lower_right", "Lower right"),
        new("full_mouth", "Full mouth"),
    ];

    /// <summary>FDI permanent teeth: quadrant 1-4, tooth 1-8 ("11" to "48").</summary>
    public static readonly IReadOnlyList<Term> Teeth =
        [.. from quadrant in Enumerable.Range(1, 4) from tooth in Enumerable.Range(1, 8) select new Term($"{quadrant}{tooth}", $"Tooth {quadrant}{tooth}")];

    /// <summary>Where a detail tag may point: a region or a tooth.</summary>
    public static readonly IReadOnlyList<Term> Locations = [.. Regions, .. Teeth];

    public const string ToothNumbering = "fdi";

    public static readonly string LocationRule = $"Use an FDI tooth number ({Teeth[0].Code}-{Teeth[^1].Code}) or a region.";

    /// <summary>Every <see cref="ReviewAction"/>, in the order the review screen offers them.</summary>
    public static readonly IReadOnlyList<ActionTerm> Actions =
    [
        new(ReviewAction.ApproveProgression, "Approve next aligner"), new(ReviewAction.HoldAligner, "Hold aligner"),
        new(ReviewAction.Message, "Send message"), new(ReviewAction.ScheduleAppointment, "Schedule appointment"),
    ];

    /// <summary>How long <see cref="ReviewAction.HoldAligner"/> may keep the patient on the current aligner.</summary>
    public static readonly DayRange HoldDays = new(1, 14);

    public static bool IsLocation(string location) => Locations.Any(l => l.Code == location);

    /// <summary>The practice's own detail tags, labelled from their codes; a code that repeats a core tag is offered once.</summary>
    public static IReadOnlyList<Term> CustomDetailTagsFor(PracticeSettings settings) =>
        [.. settings.CustomDetailTags.Where(code => CoreDetailTags.All(t => t.Code != code)).Distinct().Select(code => new Term(code, Humanise(code)))];

    public static IReadOnlyList<string> DetailTagCodesFor(PracticeSettings settings) =>
        [.. CoreDetailTags.Select(t => t.Code), .. CustomDetailTagsFor(settings).Select(t => t.Code)];

    /// <summary>A scale of whole numbers from 1, one label each, best first.</summary>
    private static Score Scale(string attribute, string label, string? notApplicableLabel, params string[] labels) =>
        new(attribute, label, 1, labels.Length, notApplicableLabel is not null,
        [
            .. labels.Select((text, i) => new ScoreValue(Score.ValueOf(i + 1), text)),
            .. notApplicableLabel is null ? [] : new[] { new ScoreValue(NotApplicable, notApplicableLabel) },
        ]);

    /// <summary><c>retainer_missing</c> -> "Retainer missing".</summary>
    private static string Humanise(string code)
    {
        var words = code.Replace('_', ' ').Replace('-', ' ').Trim();
        return words.Length == 0 ? code : char.ToUpperInvariant(words[0]) + words[1..];
    }
}
