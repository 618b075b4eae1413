namespace OrthoScan.Api.Infrastructure.Imaging;

/// <summary>Settings of the worker's image processing (<c>OrthoScan:Imaging</c>).</summary>
public sealed class ImagingOptions
{
    public const string Section = "OrthoScan:Imaging";

    /// <summary>
    /// Uploads one process decodes at the same time, whatever the number of job loops. One 50 MP upload takes up to
    /// about 190 MB while it is decoded (a 50 MP RGBA PNG; a 50 MP JPEG about 100 MB) on top of the process's ~75 MB,
    /// so one at a time keeps the worker under 300 MB; the 2 cores are used by libvips' own threads either way.
    /// </summary>
    public int MaxConcurrentDecodes { get; set; } = 1;

    /// <summary>Thresholds of the hard quality problems (<c>OrthoScan:Imaging:Quality</c>).</summary>
    public QualityOptions Quality { get; set; } = new();

    public ImageLimits Limits() => new(MaxConcurrentDecodes: MaxConcurrentDecodes);

    internal bool IsValid() => MaxConcurrentDecodes is >= 1 and <= 64 && Quality.IsValid();

    internal const string Rules = "MaxConcurrentDecodes 1-64; Quality: " + QualityOptions.Rules;
}
