using NetVips;

namespace OrthoScan.Api.Infrastructure.Imaging;

/// <summary>
/// Heuristic quality of an intraoral photo, measured on a greyscale copy scaled to at most
/// <see cref="AnalysisMaxEdge"/> px so that the numbers do not depend on the camera's resolution.
/// The thresholds are first guesses calibrated on synthetic images (see QualityTests); tune them on real,
/// labelled scans before trusting the score.
/// </summary>
internal static class QualityAnalyzer
{
    public const int AnalysisMaxEdge = 1024;

    /// <summary>
    /// Contrast-normalised variance of the Laplacian below this: <c>blurry</c>. On synthetic 12 MP photos a
    /// Gaussian blur of sigma 2.5 px (at full resolution) lands about here; sharp ones read 30-200 depending on
    /// texture and size.
    /// </summary>
    public const double BlurThreshold = 25;

    /// <summary>Above this the photo counts as fully sharp (no deduction at all).</summary>
    public const double SharpEnough = 3 * BlurThreshold;

    /// <summary>Mean grey below this: <c>underexposed</c>.</summary>
    public const double DarkThreshold = 60;

    /// <summary>Mean grey above this: <c>overexposed</c>.</summary>
    public const double BrightThreshold = 205;

    /// <summary>Short edge of the upright original below this: <c>too_small</c>.</summary>
    public const int MinShortEdge = 800;

    private static readonly Image Laplacian = Image.NewFromArray(new[,] { { 0, 1, 0 }, { 1, -4, 1 }, { 0, 1, 0 } });

    /// <summary>
    /// Standard deviation the grey image is (notionally) stretched to before the Laplacian is measured. The
    /// variance of the Laplacian scales with the square of contrast, so without this a dark or washed-out photo
    /// would also read as blurry; with it, blur and exposure are judged apart.
    /// </summary>
    public const double ReferenceContrast = 50;

    /// <summary>
    /// The stretch is capped (a standard deviation under 12.5 counts as 12.5): a very flat or very dark photo
    /// would otherwise have its JPEG and sensor noise amplified into apparent detail.
    /// </summary>
    public const double MinContrast = ReferenceContrast / 4;

    /// <param name="grey">One-band 8-bit greyscale image, at most <see cref="AnalysisMaxEdge"/> px.</param>
    /// <param name="shortEdge">Short edge of the upright original, in pixels.</param>
    public static QualityAssessment Assess(Image grey, int shortEdge)
    {
        var mean = grey.Avg();
        var contrast = grey.Deviate();

        using var asFloat = grey.Cast(Enums.BandFormat.Float);
        using var edges = asFloat.Conv(Laplacian, precision: Enums.Precision.Float);
        var lapSd = edges.Deviate();

        // The Laplacian is linear: Var(L(k*I)) = k^2 Var(L(I)), so the stretch is applied to the number only.
        var gain = ReferenceContrast / Math.Max(contrast, MinContrast);
        var sharpness = lapSd * lapSd * gain * gain;

        return Score(sharpness, mean, shortEdge);
    }

    internal static QualityAssessment Score(double sharpness, double mean, int shortEdge)
    {
        var reasons = new List<string>(4);
        double penalty = 0;

        if (sharpness < BlurThreshold)
        {
            reasons.Add(QualityReasons.Blurry);
            penalty += 25 + (35 * (1 - (sharpness / BlurThreshold)));
        }
        else if (sharpness < SharpEnough)
        {
            penalty += 10 * (1 - ((sharpness - BlurThreshold) / (SharpEnough - BlurThreshold)));
        }

        if (mean < DarkThreshold)
        {
            reasons.Add(QualityReasons.Underexposed);
            penalty += 25 + (25 * (DarkThreshold - mean) / DarkThreshold);
        }
        else if (mean > BrightThreshold)
        {
            reasons.Add(QualityReasons.Overexposed);
            penalty += 25 + (25 * (mean - BrightThreshold) / (255 - BrightThreshold));
        }

        if (shortEdge < MinShortEdge)
        {
            reasons.Add(QualityReasons.TooSmall);
            penalty += 20 + (20 * (MinShortEdge - shortEdge) / (double)MinShortEdge);
        }

        var score = (int)Math.Round(Math.Clamp(100 - penalty, 0, 100));
        return new QualityAssessment(score, reasons, Math.Round(sharpness, 2), Math.Round(mean, 2));
    }
}
