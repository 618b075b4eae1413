using NetVips;

namespace OrthoScan.Api.Infrastructure.Imaging;

/// <summary>Synthetic intraoral-looking photos for the demo practice and the tests: no binary fixtures, no real patients.</summary>
public static class SyntheticPhotos
{
    /// <summary>
    /// A teeth-like frontal view: a warm gum/lip gradient, a row of rounded off-white teeth with soft shading,
    /// and fine sensor-like noise (so a sharp photo has texture a blur removes). Deterministic for a seed.
    /// </summary>
    public static Image Teeth(int width, int height, int seed = 1, double noise = 6)
    {
        var rng = new Random(seed);

        // Draw at quarter size, then enlarge: smooth shapes, cheap at 12 MP.
        var w = Math.Max(8, width / 4);
        var h = Math.Max(8, height / 4);
        using var xyz = Image.Xyz(w, h);
        using var x = xyz[0].Cast(Enums.BandFormat.Float);
        using var y = xyz[1].Cast(Enums.BandFormat.Float);

        // Background: lips/gums, red-pink, darker towards the bottom.
        var rTop = 170 + rng.Next(40);
        using var yn = y / h;
        using var r = (yn * -60) + rTop;
        using var g = (yn * -30) + 70 + rng.Next(20);
        using var b = (yn * -20) + 80 + rng.Next(20);
        using var background = r.Bandjoin(g, b);

        // Teeth: superellipses ((dx/rx)^4 + (dy/ry)^4 < 1) along a gentle arch.
        var count = 6 + rng.Next(3);
        Image? mask = null;
        Image? shade = null;
        try
        {
            for (var k = 0; k < count; k++)
            {
                var cx = w * (0.12 + (0.76 * k / (count - 1)));
                var arch = Math.Pow((k - ((count - 1) / 2.0)) / count, 2);
                var cy = h * (0.48 + (0.35 * arch) + ((rng.NextDouble() - 0.5) * 0.04));
                var rx = w * (0.045 + (rng.NextDouble() * 0.015));
                var ry = h * (0.17 + (rng.NextDouble() * 0.05));
                using var dx = (x - cx) / rx;
                using var dy = (y - cy) / ry;
                using var d = (dx.Pow(4) + dy.Pow(4)).Cast(Enums.BandFormat.Float);
                using var inside = d < 1;
                using var s = (d * -40) + 235; // brighter in the middle of each tooth
                var nextMask = mask is null ? inside.Copy() : (mask | inside);
                var nextShade = shade is null ? inside.Ifthenelse(s, 0) : inside.Ifthenelse(s, shade);
                mask?.Dispose();
                shade?.Dispose();
                mask = nextMask;
                shade = nextShade;
            }

            using var teethRgb = shade!.Bandjoin(shade - 8, shade - 25);
            using var small = mask!.Ifthenelse(teethRgb, background);
            using var big = small.Resize(width / (double)w, vscale: height / (double)h, kernel: Enums.Kernel.Cubic);
            using var sized = big.Width == width && big.Height == height ? big.Copy() : big.Embed(0, 0, width, height, extend: Enums.Extend.Copy);
            using var grain = Image.Gaussnoise(width, height, sigma: noise, mean: 0, seed: seed);
            using var noisy = sized + grain;
            return noisy.Cast(Enums.BandFormat.Uchar).CopyMemory();
        }
        finally
        {
            mask?.Dispose();
            shade?.Dispose();
        }
    }

    public static byte[] TeethJpeg(int width, int height, int seed)
    {
        using var image = Teeth(width, height, seed);
        return image.JpegsaveBuffer(q: 90, keep: Enums.ForeignKeep.None);
    }
}
