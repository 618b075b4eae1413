using NetVips;
using OrthoScan.Api.Infrastructure.Imaging;

namespace OrthoScan.Api.Tests.Imaging;

/// <summary>
/// Synthetic photos made with libvips itself: no binary fixtures in the repository. Shared with
/// tests/OrthoScan.Benchmarks (linked source file).
/// </summary>
public static class TestImages
{
    /// <summary>A teeth-like photo (see <see cref="SyntheticPhotos.Teeth"/>, which the demo seed uses too).</summary>
    public static Image Teeth(int width, int height, int seed = 1, double noise = 6) => SyntheticPhotos.Teeth(width, height, seed, noise);

    /// <summary>A different kind of picture: Perlin clouds tinted by seed (no teeth, no row structure).</summary>
    public static Image Clouds(int width, int height, int seed)
    {
        using var p = Image.Perlin(width, height, cellSize: Math.Max(16, width / 6), uchar: true, seed: seed);
        using var turned = p.Rot180();
        using var flipped = p.FlipVer();
        using var rgb = p.Bandjoin(turned, flipped);
        return rgb.Cast(Enums.BandFormat.Uchar).CopyMemory();
    }

    public static byte[] Jpeg(Image image, int quality = 90) => image.JpegsaveBuffer(q: quality, keep: Enums.ForeignKeep.None);

    public static byte[] Png(Image image) => image.PngsaveBuffer(keep: Enums.ForeignKeep.None);
}
