using NetVips;
using OrthoScan.Api.Infrastructure.Imaging;
using Shouldly;
using Xunit.Abstractions;

namespace OrthoScan.Api.Tests.Imaging;

public sealed class QualityTests(ITestOutputHelper output)
{
    private static readonly QualityOptions Defaults = new();
    private static readonly ImageProcessor Processor = new(new ImageLimits());

    private QualityAssessment Assess(Image image, string label, QualityOptions? options = null) =>
        Assess(TestImages.Jpeg(image), label, options);

    private QualityAssessment Assess(byte[] upload, string label, QualityOptions? options = null)
    {
        var processor = options is null ? Processor : new ImageProcessor(new ImageLimits(), options);
        var q = processor.Process(upload).Quality;
        output.WriteLine($"{label}: score {q.Score}, sharpness {q.Sharpness}, mean {q.MeanBrightness}, dark {q.DarkPixelShare}, " +
                         $"bright {q.BrightPixelShare}, reasons [{string.Join(", ", q.Reasons)}]");
        return q;
    }

    /// <summary>
    /// A lossless 1000x1000 greyscale PNG: rows [0, <paramref name="rows"/>) at <paramref name="value"/>, the rest at
    /// <paramref name="rest"/>. At 1000 px it is analysed as it is (no resampling), so every measured number is exact.
    /// </summary>
    private static byte[] Bands(int rows, int value, int rest)
    {
        using var background = (Image.Black(1000, 1000) + rest).Cast(Enums.BandFormat.Uchar);
        if (rows == 0) return TestImages.Png(background);
        using var band = (Image.Black(1000, rows) + value).Cast(Enums.BandFormat.Uchar);
        using var image = background.Insert(band, 0, 0);
        return TestImages.Png(image);
    }

    private static byte[] Uniform(int value) => Bands(0, 0, value);

    [Fact]
    public void A_blurred_photo_is_blurry_and_the_sharp_one_is_not()
    {
        using var sharp = TestImages.Teeth(2400, 1800, seed: 5);
        using var blurred = sharp.Gaussblur(6);

        var s = Assess(sharp, "sharp");
        var b = Assess(blurred, "blurred");

        s.Reasons.ShouldNotContain("blurry");
        b.Reasons.ShouldBe(["blurry"]);
        b.Sharpness.ShouldBeLessThan(s.Sharpness / 4);
        b.Score.ShouldBeLessThan(s.Score);
        b.Score.ShouldBeLessThan(75);
    }

    [Fact]
    public void Mild_softness_is_not_called_blurry()
    {
        using var sharp = TestImages.Teeth(2400, 1800, seed: 6);
        using var soft = sharp.Gaussblur(0.6);
        Assess(soft, "soft").Reasons.ShouldNotContain("blurry");
    }

    [Fact]
    public void Blurry_is_a_sharpness_below_the_threshold_and_exactly_at_it_is_not()
    {
        using var photo = TestImages.Teeth(2400, 1800, seed: 12);
        using var soft = photo.Gaussblur(2);
        var upload = TestImages.Jpeg(soft);
        var measured = Assess(upload, "measured").Sharpness;

        Assess(upload, "threshold at it", new QualityOptions { MinSharpness = measured }).Reasons.ShouldNotContain("blurry");
        Assess(upload, "threshold 0.01 above", new QualityOptions { MinSharpness = measured + 0.01 }).Reasons.ShouldContain("blurry");
    }

    [Fact]
    public void A_dark_photo_is_underexposed()
    {
        using var photo = TestImages.Teeth(1600, 1200, seed: 7);
        using var dark = (photo * 0.25).Cast(Enums.BandFormat.Uchar);
        var q = Assess(dark, "dark");
        q.Reasons.ShouldContain("underexposed");
        q.Reasons.ShouldNotContain("overexposed");
        q.Reasons.ShouldNotContain("blurry"); // sharpness is contrast-normalised: dark is not blurry
        q.MeanBrightness.ShouldBeLessThan(Defaults.MinMeanBrightness);
        q.Score.ShouldBeLessThan(75);
    }

    [Fact]
    public void A_bright_photo_is_overexposed()
    {
        using var photo = TestImages.Teeth(1600, 1200, seed: 8);
        using var bright = ((photo * 0.3) + 200).Cast(Enums.BandFormat.Uchar);
        var q = Assess(bright, "bright");
        q.Reasons.ShouldContain("overexposed");
        q.Reasons.ShouldNotContain("underexposed");
        q.Reasons.ShouldNotContain("blurry");
        q.MeanBrightness.ShouldBeGreaterThan(Defaults.MaxMeanBrightness);
        q.Score.ShouldBeLessThan(75);
    }

    [Fact]
    public void A_well_exposed_photo_is_neither()
    {
        using var photo = TestImages.Teeth(1600, 1200, seed: 9);
        var q = Assess(photo, "normal");
        q.Reasons.ShouldBeEmpty();
        q.MeanBrightness.ShouldBeInRange(Defaults.MinMeanBrightness, Defaults.MaxMeanBrightness);
        q.DarkPixelShare.ShouldBeLessThan(Defaults.MaxDarkPixelShare);
        q.BrightPixelShare.ShouldBeLessThan(Defaults.MaxBrightPixelShare);
        q.Score.ShouldBeGreaterThanOrEqualTo(90);
    }

    [Theory]
    [InlineData(60, false)]
    [InlineData(59, true)]
    public void Underexposed_is_a_mean_below_60(int mean, bool underexposed)
    {
        var q = Assess(Uniform(mean), $"uniform {mean}");
        q.MeanBrightness.ShouldBe(mean);
        q.Reasons.Contains("underexposed").ShouldBe(underexposed);
    }

    [Theory]
    [InlineData(205, false)]
    [InlineData(206, true)]
    public void Overexposed_is_a_mean_above_205(int mean, bool overexposed)
    {
        var q = Assess(Uniform(mean), $"uniform {mean}");
        q.MeanBrightness.ShouldBe(mean);
        q.Reasons.Contains("overexposed").ShouldBe(overexposed);
    }

    /// <summary>Half of the photo crushed to black is underexposed however bright the other half (mean 100 here).</summary>
    [Theory]
    [InlineData(500, 0, false)] // exactly half at 0: at the limit
    [InlineData(501, 0, true)] // just over half
    [InlineData(501, 10, true)] // 10 is still clipped dark
    [InlineData(501, 11, false)] // 11 is not
    public void Underexposed_is_also_more_than_half_of_the_pixels_clipped_dark_whatever_the_mean(int rows, int value, bool underexposed)
    {
        var q = Assess(Bands(rows, value, rest: 200), $"{rows} rows at {value}");
        q.DarkPixelShare.ShouldBe(value <= Defaults.DarkPixelLevel ? rows / 1000.0 : 0);
        q.MeanBrightness.ShouldBeGreaterThan(Defaults.MinMeanBrightness);
        q.Reasons.Contains("underexposed").ShouldBe(underexposed);
    }

    /// <summary>A quarter of the photo blown out is overexposed however dim the rest (mean about 139 here).</summary>
    [Theory]
    [InlineData(250, 255, false)] // exactly a quarter at 255: at the limit
    [InlineData(251, 255, true)] // just over a quarter
    [InlineData(251, 245, true)] // 245 is still clipped bright
    [InlineData(251, 244, false)] // 244 is not
    public void Overexposed_is_also_more_than_a_quarter_of_the_pixels_clipped_bright_whatever_the_mean(int rows, int value, bool overexposed)
    {
        var q = Assess(Bands(rows, value, rest: 100), $"{rows} rows at {value}");
        q.BrightPixelShare.ShouldBe(value >= Defaults.BrightPixelLevel ? rows / 1000.0 : 0);
        q.MeanBrightness.ShouldBeLessThan(Defaults.MaxMeanBrightness);
        q.Reasons.Contains("overexposed").ShouldBe(overexposed);
    }

    [Theory]
    [InlineData(1333, 1000, false)]
    [InlineData(1333, 999, true)]
    [InlineData(1000, 1333, false)]
    [InlineData(999, 1333, true)]
    public void Too_small_is_a_shorter_side_under_1000_px(int width, int height, bool tooSmall)
    {
        using var photo = TestImages.Teeth(width, height, seed: 10);
        var q = Assess(photo, $"{width}x{height}");
        q.Reasons.ShouldBe(tooSmall ? ["too_small"] : []);
    }

    [Fact]
    public void The_thresholds_are_the_ones_given()
    {
        using var photo = TestImages.Teeth(1333, 999, seed: 10);
        var upload = TestImages.Jpeg(photo);
        Assess(upload, "default").Reasons.ShouldBe(["too_small"]);
        Assess(upload, "min 999", new QualityOptions { MinShortSide = 999 }).Reasons.ShouldBeEmpty();
        Assess(Uniform(100), "mean 100, min mean 101", new QualityOptions { MinMeanBrightness = 101 }).Reasons.ShouldContain("underexposed");
    }

    [Fact]
    public void Several_problems_add_up_and_the_score_stays_in_range()
    {
        using var photo = TestImages.Teeth(600, 450, seed: 11);
        using var blurred = photo.Gaussblur(5);
        using var dark = (blurred * 0.1).Cast(Enums.BandFormat.Uchar);
        var q = Assess(dark, "small, blurred, dark");
        q.Reasons.ShouldBe(["blurry", "underexposed", "too_small"]);
        q.Score.ShouldBeInRange(0, 30);
    }

    [Theory]
    [InlineData(0, 0, 0, 0, 0)]
    [InlineData(1e6, 128, 0, 0, 4000)]
    [InlineData(0, 255, 0, 1, 1)]
    [InlineData(24.9, 60, 1, 1, 800)]
    public void The_score_is_always_between_0_and_100(double sharpness, double mean, double dark, double bright, int shortSide)
    {
        var q = QualityAnalyzer.Score(new QualityMeasurements(sharpness, mean, dark, bright, shortSide), Defaults);
        q.Score.ShouldBeInRange(0, 100);
    }

    [Fact]
    public void A_flawless_measurement_scores_100()
    {
        var q = QualityAnalyzer.Score(new QualityMeasurements(QualityAnalyzer.SharpEnoughFactor * Defaults.MinSharpness, 128, 0, 0, 3000), Defaults);
        q.Score.ShouldBe(100);
        q.Reasons.ShouldBeEmpty();
    }
}
