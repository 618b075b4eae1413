using NetVips;

namespace OrthoScan.Api.Infrastructure.Imaging;

/// <summary>
/// 64-bit DCT perceptual hash (pHash): greyscale squashed to 32x32, 2-D DCT-II, the 8x8 lowest frequencies,
/// one bit per coefficient (above or below their median, DC excluded from the median). Survives re-encoding,
/// resizing and mild colour/brightness changes; unrelated photos land about 32 bits apart.
/// </summary>
internal static class PerceptualHash
{
    private const int Size = 32;
    private const int Low = 8;

    // Cos[u, x] = cos((2x + 1) u pi / 2N), for u < Low only: that is all the hash reads.
    private static readonly double[,] Cos = BuildCos();

    /// <param name="grey">A one-band 8-bit image (any size).</param>
    public static ulong Compute(Image grey)
    {
        using var small = grey.ThumbnailImage(Size, height: Size, size: Enums.Size.Force);
        using var uchar = small.Format == Enums.BandFormat.Uchar ? small.Copy() : small.Cast(Enums.BandFormat.Uchar);
        var pixels = uchar.WriteToMemory<byte>();
        if (pixels.Length != Size * Size)
        {
            throw new InvalidOperationException($"Expected a {Size}x{Size} one-band image, got {pixels.Length} bytes.");
        }

        return FromPixels(pixels);
    }

    internal static ulong FromPixels(ReadOnlySpan<byte> pixels)
    {
        // Separable DCT: rows first (only the Low lowest u), then columns (only the Low lowest v).
        Span<double> rows = stackalloc double[Size * Low]; // [y, u]
        for (var y = 0; y < Size; y++)
        {
            for (var u = 0; u < Low; u++)
            {
                double s = 0;
                for (var x = 0; x < Size; x++)
                {
                    s += pixels[(y * Size) + x] * Cos[u, x];
                }

                rows[(y * Low) + u] = s;
            }
        }

        Span<double> coeffs = stackalloc double[Low * Low]; // [v, u]
        for (var v = 0; v < Low; v++)
        {
            for (var u = 0; u < Low; u++)
            {
                double s = 0;
                for (var y = 0; y < Size; y++)
                {
                    s += rows[(y * Low) + u] * Cos[v, y];
                }

                coeffs[(v * Low) + u] = s;
            }
        }

        Span<double> sorted = stackalloc double[(Low * Low) - 1];
        coeffs[1..].CopyTo(sorted);
        sorted.Sort();
        var median = sorted[sorted.Length / 2]; // 63 values: the middle one

        ulong hash = 0;
        for (var i = 0; i < Low * Low; i++)
        {
            if (coeffs[i] > median)
            {
                hash |= 1UL << i;
            }
        }

        return hash;
    }

    private static double[,] BuildCos()
    {
        var c = new double[Low, Size];
        for (var u = 0; u < Low; u++)
        {
            for (var x = 0; x < Size; x++)
            {
                c[u, x] = Math.Cos(((2 * x) + 1) * u * Math.PI / (2 * Size));
            }
        }

        return c;
    }
}
