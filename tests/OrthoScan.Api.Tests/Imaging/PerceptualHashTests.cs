using NetVips;
using OrthoScan.Api.Infrastructure.Imaging;
using Shouldly;
using Xunit.Abstractions;

namespace OrthoScan.Api.Tests.Imaging;

public sealed class PerceptualHashTests(ITestOutputHelper output)
{
    private static readonly ImageProcessor Processor = new(new ImageLimits());

    private static ulong Hash(byte[] upload) => Processor.Process(upload).PerceptualHash;

    private int Distance(byte[] a, byte[] b, string label)
    {
        var d = ImageProcessor.HammingDistance(Hash(a), Hash(b));
        output.WriteLine($"{label}: {d}");
        return d;
    }

    [Fact]
    public void The_same_photo_sent_twice_is_recognised_even_re_encoded_and_resized()
    {
        using var photo = TestImages.Teeth(2400, 1800, seed: 21);
        var original = TestImages.Jpeg(photo, quality: 92);

        using var half = photo.Resize(0.5);
        using var brighter = ((photo * 1.1) + 8).Cast(Enums.BandFormat.Uchar);
        Distance(original, original, "identical").ShouldBe(0);
        Distance(original, TestImages.Jpeg(photo, quality: 55), "re-encoded q55").ShouldBeLessThanOrEqualTo(6);
        Distance(original, TestImages.Jpeg(half, quality: 70), "half size q70").ShouldBeLessThanOrEqualTo(6);
        Distance(original, TestImages.Png(half), "half size png").ShouldBeLessThanOrEqualTo(6);
        Distance(original, TestImages.Jpeg(brighter), "10% brighter").ShouldBeLessThanOrEqualTo(6);
    }

    [Fact]
    public void The_same_photo_with_its_exif_rotation_applied_by_the_phone_is_recognised()
    {
        // One phone stores landscape pixels + orientation 6, another stores the pixels already upright.
        using var photo = TestImages.Teeth(1600, 1200, seed: 22);
        using var upright = photo.Rot90();
        var tagged = new ExifWriter(Orientation: 6).Into(TestImages.Jpeg(photo));
        Distance(tagged, TestImages.Jpeg(upright), "tagged vs upright").ShouldBeLessThanOrEqualTo(6);
    }

    /// <summary>
    /// Two different teeth photos share their layout (a row of light teeth on red), so they are nearer to each
    /// other than to unrelated pictures, but still well clear of the duplicate range (at most 6).
    /// </summary>
    [Fact]
    public void Different_photos_are_far_apart()
    {
        using var a = TestImages.Teeth(1600, 1200, seed: 31);
        using var b = TestImages.Teeth(1600, 1200, seed: 32);
        using var c = TestImages.Clouds(1600, 1200, seed: 33);
        using var d = TestImages.Clouds(1600, 1200, seed: 34);
        using var e = a.FlipHor();

        var uploads = new[] { ("teeth 31", a), ("teeth 32", b), ("clouds 33", c), ("clouds 34", d), ("teeth 31 mirrored", e) }
            .Select(x => (x.Item1, Hash: Hash(TestImages.Jpeg(x.Item2))))
            .ToList();
        for (var i = 0; i < uploads.Count; i++)
        {
            for (var j = i + 1; j < uploads.Count; j++)
            {
                var dist = ImageProcessor.HammingDistance(uploads[i].Hash, uploads[j].Hash);
                output.WriteLine($"{uploads[i].Item1} vs {uploads[j].Item1}: {dist}");
                var bothTeeth = uploads[i].Item1.StartsWith("teeth", StringComparison.Ordinal) && uploads[j].Item1.StartsWith("teeth", StringComparison.Ordinal);
                dist.ShouldBeGreaterThanOrEqualTo(bothTeeth ? 12 : 20, $"{uploads[i].Item1} vs {uploads[j].Item1}");
            }
        }
    }

    [Theory]
    [InlineData(0UL, 0UL, 0)]
    [InlineData(0UL, ulong.MaxValue, 64)]
    [InlineData(0b1011UL, 0b0001UL, 2)]
    [InlineData(0x8000_0000_0000_0000UL, 0UL, 1)]
    public void Hamming_distance_counts_differing_bits(ulong a, ulong b, int expected) =>
        ImageProcessor.HammingDistance(a, b).ShouldBe(expected);
}
