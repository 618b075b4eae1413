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
        // One libvips pipeline decodes and shrinks; the statistics are plain loops over the small thumbnail, which is far
        // cheaper than a libvips pipeline (and its threads) per statistic.
        var (width, height) = (rgb.Width, rgb.Height);
        using var bytes = rgb.Cast(Enums.BandFormat.Uchar);
        var pixels = bytes.WriteToMemory<byte>();
        var n = width * height;
        var grey = new float[n];
        Span<double> sum = stackalloc double[8];
        Span<double> squares = stackalloc double[8];
        for (var i = 0; i < n; i++)
        {
            var (r, g, b) = (pixels[3 * i], pixels[3 * i + 1], pixels[3 * i + 2]);
            var (l, a, bb) = Lab(r, g, b);
            var chroma = Math.Sqrt(a * a + bb * bb);
            ReadOnlySpan<double> values = [r / 255.0, g / 255.0, b / 255.0, l / 100, a / 100, bb / 100, chroma / 100];
            for (var k = 0; k < values.Length; k++)
            {
                sum[k] += values[k];
                squares[k] += values[k] * values[k];
            }
            grey[i] = 0.299f * r + 0.587f * g + 0.114f * b;
        }

        var features = new float[Count];
        for (var k = 0; k < 7; k++)
        {
            var mean = sum[k] / n;
            features[2 * k] = (float)mean;
            features[2 * k + 1] = (float)Math.Sqrt(Math.Max(0, squares[k] / n - mean * mean));
        }

        double laplacianSum = 0, laplacianSquares = 0, detailSum = 0, detailSquares = 0;
        var edges = 0;
        var inner = 0;
        for (var y = 1; y < height - 1; y++)
            for (var x = 1; x < width - 1; x++)
            {
                float P(int dx, int dy) => grey[(y + dy) * width + x + dx];
                var centre = P(0, 0);
                double laplacian = P(0, -1) + P(-1, 0) + P(1, 0) + P(0, 1) - 4 * centre;
                laplacianSum += laplacian;
                laplacianSquares += laplacian * laplacian;
                var gx = P(1, -1) + 2 * P(1, 0) + P(1, 1) - P(-1, -1) - 2 * P(-1, 0) - P(-1, 1);
                var gy = P(-1, 1) + 2 * P(0, 1) + P(1, 1) - P(-1, -1) - 2 * P(0, -1) - P(1, -1);
                if (Math.Sqrt(gx * gx + gy * gy) > EdgeThreshold) edges++;
                var local = (P(-1, -1) + P(0, -1) + P(1, -1) + P(-1, 0) + centre + P(1, 0) + P(-1, 1) + P(0, 1) + P(1, 1)) / 9.0;
                var detail = centre - local;
                detailSum += detail;
                detailSquares += detail * detail;
                inner++;
            }
        if (inner > 0)
        {
            var laplacianMean = laplacianSum / inner;
            features[14] = (float)Math.Log(1 + Math.Max(0, laplacianSquares / inner - laplacianMean * laplacianMean));
            features[15] = (float)edges / inner;
            var detailMean = detailSum / inner;
            features[16] = (float)(Math.Sqrt(Math.Max(0, detailSquares / inner - detailMean * detailMean)) / 255);
        }
        return features;
    }

    /// <summary>CIE L*a*b* (D65) of an sRGB pixel.</summary>
    private static (double L, double A, double B) Lab(byte r, byte g, byte b)
    {
        var (rl, gl, bl) = (Linear[r], Linear[g], Linear[b]);
        var x = (0.4124 * rl + 0.3576 * gl + 0.1805 * bl) / 0.95047;
        var y = 0.2126 * rl + 0.7152 * gl + 0.0722 * bl;
        var z = (0.0193 * rl + 0.1192 * gl + 0.9505 * bl) / 1.08883;
        static double F(double t) => t > 0.008856 ? Math.Cbrt(t) : 7.787 * t + 16.0 / 116;
        var (fx, fy, fz) = (F(x), F(y), F(z));
        return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz));
    }

    private static readonly double[] Linear = Enumerable.Range(0, 256)
        .Select(v => v / 255.0).Select(c => c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4)).ToArray();

    /// <summary>A Sobel gradient magnitude above this (on 0..255 grey) counts as an edge pixel.</summary>
    private const double EdgeThreshold = 120;
}

public sealed class ImageFeatureException(string message, Exception? inner = null) : Exception(message, inner);
