using System.Runtime.InteropServices;
using NetVips;

namespace OrthoScan.Ml.Features;

/// <summary>
/// Colour, sharpness and texture statistics of one photo, computed on a small thumbnail so a session of five display
/// images costs milliseconds. Training and prediction both call <see cref="From"/>, so a model sees the same numbers
/// whichever side computed them.
/// </summary>
public sealed record ImageFeatures(float[] Values)
{
    /// <summary>The longest side of the thumbnail the statistics are taken on.</summary>
    public const int ThumbnailSize = 128;

    public static readonly IReadOnlyList<string> Names =
    [
        "red_mean", "red_std", "green_mean", "green_std", "blue_mean", "blue_std",
        "lightness_mean", "lightness_std", "lab_a_mean", "lab_a_std", "lab_b_mean", "lab_b_std",
        "chroma_mean", "chroma_std",
        "sharpness_log_laplacian_variance", "edge_density", "high_frequency_std",
    ];

    public const int Count = 17;

    /// <summary>The statistics of a JPEG or PNG; throws <see cref="ImageFeatureException"/> when the bytes are no readable image.</summary>
    public static ImageFeatures From(ReadOnlyMemory<byte> bytes)
    {
        var buffer = MemoryMarshal.TryGetArray(bytes, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : bytes.ToArray();
        try
        {
            using var thumbnail = Image.ThumbnailBuffer(buffer, ThumbnailSize, height: ThumbnailSize, size: Enums.Size.Down);
            using var flat = thumbnail.HasAlpha() ? thumbnail.Flatten() : thumbnail.Copy();
            using var rgb = flat.Colourspace(Enums.Interpretation.Srgb);
            return new ImageFeatures(Compute(rgb));
        }
        catch (VipsException e)
        {
            throw new ImageFeatureException("The image could not be read: " + e.Message.Split('\n')[0], e);
        }
    }

    private static float[] Compute(Image rgb)
    {
        var values = new float[Count];
        var at = 0;

        using (var stats = rgb.Stats())
            for (var band = 1; band <= 3; band++)
            {
                values[at++] = (float)(stats[4, band][0] / 255);
                values[at++] = (float)(stats[5, band][0] / 255);
            }

        using (var lab = rgb.Colourspace(Enums.Interpretation.Lab))
        using (var stats = lab.Stats())
            for (var band = 1; band <= 3; band++)
            {
                values[at++] = (float)(stats[4, band][0] / 100);
                values[at++] = (float)(stats[5, band][0] / 100);
            }

        using (var lch = rgb.Colourspace(Enums.Interpretation.Lch))
        using (var chroma = lch[1])
        using (var stats = chroma.Stats())
        {
            values[at++] = (float)(stats[4, 0][0] / 100);
            values[at++] = (float)(stats[5, 0][0] / 100);
        }

        using var grey8 = rgb.Colourspace(Enums.Interpretation.Bw);
        using var grey = grey8.Cast(Enums.BandFormat.Float);
        using (var laplacian = grey.Conv(LaplacianMask, precision: Enums.Precision.Float))
        {
            var deviation = laplacian.Deviate();
            values[at++] = (float)Math.Log(1 + deviation * deviation);
        }
        using (var sobel = grey.Sobel())
        using (var edges = sobel > EdgeThreshold)
            values[at++] = (float)(edges.Avg() / 255);
        using (var blurred = grey.Gaussblur(1.5))
        using (var detail = grey - blurred)
            values[at++] = (float)(detail.Deviate() / 255);

        return values;
    }

    private static readonly Image LaplacianMask = Image.NewFromArray(new[,] { { 0, 1, 0 }, { 1, -4, 1 }, { 0, 1, 0 } });

    /// <summary>A Sobel magnitude above this (on 0..255 grey) counts as an edge pixel.</summary>
    private const double EdgeThreshold = 40;
}

public sealed class ImageFeatureException(string message, Exception? inner = null) : Exception(message, inner);
