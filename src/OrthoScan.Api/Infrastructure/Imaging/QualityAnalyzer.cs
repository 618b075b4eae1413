using NetVips;

namespace OrthoScan.Api.Infrastructure.Imaging;

/// <summary>What <see cref="QualityAnalyzer"/> measures on a photo, rounded as it is reported and judged.</summary>
/// <param name="Sharpness">Contrast-normalised variance of the Laplacian (2 decimals).</param>
/// <param name="MeanBrightness">Mean grey level, 0-255 (2 decimals).</param>
/// <param name="DarkPixelShare">Share of pixels at or below <see cref="QualityOptions.DarkPixelLevel"/> (4 decimals).</param>
/// <param name="BrightPixelShare">Share of pixels at or above <see cref="QualityOptions.BrightPixelLevel"/> (4 decimals).</param>
/// <param name="ShortSide">Shorter side of the upright original, in pixels.</param>
internal sealed record QualityMeasurements(double Sharpness, double MeanBrightness, double DarkPixelShare, double BrightPixelShare, int ShortSide);

/// <summary>
/// Quality of an intraoral photo, measured on a greyscale copy scaled to at most <see cref="AnalysisMaxEdge"/> px so
/// that the numbers do not depend on the camera's resolution. A hard problem (<see cref="QualityOptions"/>) is a
/// reason by itself; the score only ranks photos (it starts at 100 and each problem takes some off).
/// </summary>
internal static class QualityAnalyzer
{
    public const int AnalysisMaxEdge = 1024;

    /// <summary>Sharpness at or above this multiple of <see cref="QualityOptions.MinSharpness"/> costs no point at all.</summary>
    public const double SharpEnoughFactor = 3;

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
    /// <param name="shortSide">Short side of the upright original, in pixels.</param>
    /// <param name="options">The thresholds.</param>
    public static QualityAssessment Assess(Image grey, int shortSide, QualityOptions options)
    {
        var mean = grey.Avg();
        var contrast = grey.Deviate();

        // 255 where clipped, 0 elsewhere: the mean over 255 is the share.
        using var dark = grey <= options.DarkPixelLevel;
        using var bright = grey >= options.BrightPixelLevel;
        var darkShare = dark.Avg() / 255;
        var brightShare = bright.Avg() / 255;

        using var asFloat = grey.Cast(Enums.BandFormat.Float);
        using var edges = asFloat.Conv(Laplacian, precision: Enums.Precision.Float);
        var lapSd = edges.Deviate();

        // The Laplacian is linear: Var(L(k*I)) = k^2 Var(L(I)), so the stretch is applied to the number only.
        var gain = ReferenceContrast / Math.Max(contrast, MinContrast);
        var sharpness = lapSd * lapSd * gain * gain;

        return Score(
            new QualityMeasurements(Math.Round(sharpness, 2), Math.Round(mean, 2), Math.Round(darkShare, 4), Math.Round(brightShare, 4), shortSide),
            options);
    }

    internal static QualityAssessment Score(QualityMeasurements m, QualityOptions o)
    {
        var reasons = new List<string>(4);
        double penalty = 0;

        if (m.Sharpness < o.MinSharpness)
        {
            reasons.Add(QualityReasons.Blurry);
            penalty += 25 + (35 * (1 - (m.Sharpness / o.MinSharpness)));
        }
        else if (m.Sharpness < SharpEnoughFactor * o.MinSharpness)
        {
            penalty += 10 * (1 - ((m.Sharpness - o.MinSharpness) / ((SharpEnoughFactor - 1) * o.MinSharpness)));
        }

        if (m.MeanBrightness < o.MinMeanBrightness || m.DarkPixelShare > o.MaxDarkPixelShare)
        {
            reasons.Add(QualityReasons.Underexposed);
            penalty += 25 + (25 * Math.Clamp((o.MinMeanBrightness - m.MeanBrightness) / Math.Max(o.MinMeanBrightness, 1), 0, 1));
        }

        if (m.MeanBrightness > o.MaxMeanBrightness || m.BrightPixelShare > o.MaxBrightPixelShare)
        {
            reasons.Add(QualityReasons.Overexposed);
            penalty += 25 + (25 * Math.Clamp((m.MeanBrightness - o.MaxMeanBrightness) / Math.Max(255 - o.MaxMeanBrightness, 1), 0, 1));
        }

        if (m.ShortSide < o.MinShortSide)
        {
            reasons.Add(QualityReasons.TooSmall);
            penalty += 20 + (20 * Math.Clamp((o.MinShortSide - m.ShortSide) / (double)o.MinShortSide, 0, 1));
        }

        var score = (int)Math.Round(Math.Clamp(100 - penalty, 0, 100));
        return new QualityAssessment(score, reasons, m.Sharpness, m.MeanBrightness, m.DarkPixelShare, m.BrightPixelShare);
    }
}
