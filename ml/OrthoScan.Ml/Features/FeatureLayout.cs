using System.Text.Json.Serialization;

namespace OrthoScan.Ml.Features;

/// <summary>
/// The order of the numbers in a session's feature vector. Training writes it into model.zip and prediction reads it
/// back, so a model is always fed the layout it was trained on. Per view: <see cref="ImageFeatures.Count"/> image
/// statistics and a present flag (missing views are zeros with the flag off); then the image statistics averaged over
/// the present views and the number of views; then context: stage fraction, days since last scan (log scale), each with
/// a known flag, and per score its previous value as a number with a known flag.
/// </summary>
public sealed record FeatureLayout(int Version, IReadOnlyList<string> Views, IReadOnlyList<string> PreviousScores)
{
    public const int CurrentVersion = 1;

    /// <summary>Views as the Api names them (snake_case of its ImageType).</summary>
    public static readonly IReadOnlyList<string> StandardViews = ["frontal", "buccal_l", "buccal_r", "occlusal_u", "occlusal_l"];

    public static FeatureLayout For(IEnumerable<string> scoreAttributes) => new(CurrentVersion, StandardViews, scoreAttributes.ToArray());

    private const int PerView = ImageFeatures.Count + 1;
    private const int ContextFixed = 4;

    [JsonIgnore]
    public int Length => Views.Count * PerView + ImageFeatures.Count + 1 + ContextFixed + 2 * PreviousScores.Count;

    [JsonIgnore]
    public IReadOnlyList<string> Names =>
    [
        .. Views.SelectMany(v => ImageFeatures.Names.Select(n => $"{v}.{n}").Append($"{v}.present")),
        .. ImageFeatures.Names.Select(n => $"mean.{n}"), "views_present",
        "stage_fraction", "stage_fraction_known", "days_since_last_scan_log", "days_since_last_scan_known",
        .. PreviousScores.SelectMany(a => new[] { $"prev_{a}", $"prev_{a}_known" }),
    ];

    /// <summary>
    /// The feature vector of one session. Images are keyed by view; views this layout does not know are ignored, and an
    /// image that could not be read counts as missing.
    /// </summary>
    public float[] Vector(IReadOnlyDictionary<string, ImageFeatures> images, SessionContextFeatures context)
    {
        var vector = new float[Length];
        var mean = new double[ImageFeatures.Count];
        var present = 0;
        var at = 0;
        foreach (var view in Views)
        {
            if (images.TryGetValue(view, out var features))
            {
                for (var i = 0; i < ImageFeatures.Count; i++)
                {
                    vector[at + i] = features.Values[i];
                    mean[i] += features.Values[i];
                }
                vector[at + ImageFeatures.Count] = 1;
                present++;
            }
            at += PerView;
        }
        for (var i = 0; i < ImageFeatures.Count; i++) vector[at++] = present == 0 ? 0 : (float)(mean[i] / present);
        vector[at++] = present;

        (vector[at++], vector[at++]) = context.StageFraction is { } fraction && double.IsFinite(fraction) ? ((float)fraction, 1f) : (0f, 0f);
        (vector[at++], vector[at++]) = context.DaysSinceLastScan is { } days ? ((float)Math.Log(1 + Math.Max(0, days)), 1f) : (0f, 0f);
        foreach (var attribute in PreviousScores)
        {
            var previous = context.PreviousScores?.GetValueOrDefault(attribute);
            (vector[at++], vector[at++]) = SessionContextFeatures.ScoreNumber(previous) is { } number ? (number, 1f) : (0f, 0f);
        }
        return vector;
    }
}

/// <summary>What training (from a tagsets.csv row) and prediction (from a SuggestionContext) know of a session besides its photos.</summary>
public sealed record SessionContextFeatures(double? StageFraction, int? DaysSinceLastScan, IReadOnlyDictionary<string, string>? PreviousScores)
{
    /// <summary>A score value as a number: "1".."3" as themselves, not_applicable as 0; anything else is unknown.</summary>
    public static float? ScoreNumber(string? value) => value switch
    {
        null or "" => null,
        "not_applicable" => 0f,
        _ => float.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null,
    };
}
