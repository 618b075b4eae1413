namespace OrthoScan.Api.Infrastructure.Imaging;

/// <summary>
/// Thresholds of the hard quality problems (<c>OrthoScan:Imaging:Quality</c>). Each one asks for a retake of the view
/// by itself, whatever the score. Brightness is measured on a greyscale copy of at most 1024 px (0-255).
/// First guesses calibrated on synthetic photos (QualityTests): tune them on real, labelled scans.
/// </summary>
public sealed class QualityOptions
{
    /// <summary>Shorter side of the upright photo below this, in pixels: <c>too_small</c>.</summary>
    public int MinShortSide { get; set; } = 1000;

    /// <summary>Mean grey below this: <c>underexposed</c>.</summary>
    public double MinMeanBrightness { get; set; } = 60;

    /// <summary>Mean grey above this: <c>overexposed</c>.</summary>
    public double MaxMeanBrightness { get; set; } = 205;

    /// <summary>A pixel at or below this grey level is clipped dark (no detail left).</summary>
    public int DarkPixelLevel { get; set; } = 10;

    /// <summary>A pixel at or above this grey level is clipped bright (blown out).</summary>
    public int BrightPixelLevel { get; set; } = 245;

    /// <summary>More than this share (0-1) of clipped dark pixels: <c>underexposed</c>, whatever the mean.</summary>
    public double MaxDarkPixelShare { get; set; } = 0.5;

    /// <summary>More than this share (0-1) of clipped bright pixels: <c>overexposed</c>, whatever the mean.</summary>
    public double MaxBrightPixelShare { get; set; } = 0.25;

    /// <summary>
    /// Contrast-normalised variance of the Laplacian below this: <c>blurry</c>. On synthetic 12 MP photos a Gaussian
    /// blur of sigma 2.5 px (at full resolution) lands about here; sharp ones read 30-200 depending on texture and size.
    /// </summary>
    public double MinSharpness { get; set; } = 25;

    internal bool IsValid() =>
        MinShortSide is >= 1 and <= 20_000
        && MinMeanBrightness is >= 0 and <= 255 && MaxMeanBrightness is >= 0 and <= 255 && MinMeanBrightness < MaxMeanBrightness
        && DarkPixelLevel is >= 0 and <= 255 && BrightPixelLevel is >= 0 and <= 255 && DarkPixelLevel < BrightPixelLevel
        && MaxDarkPixelShare is > 0 and <= 1 && MaxBrightPixelShare is > 0 and <= 1
        && MinSharpness is > 0 and < 1e6;

    internal const string Rules =
        "MinShortSide 1-20000; 0 <= MinMeanBrightness < MaxMeanBrightness <= 255; 0 <= DarkPixelLevel < BrightPixelLevel <= 255; " +
        "MaxDarkPixelShare and MaxBrightPixelShare in (0, 1]; MinSharpness > 0";
}
