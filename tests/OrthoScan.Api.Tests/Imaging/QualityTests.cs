using NetVips;
using OrthoScan.Api.Infrastructure.Imaging;
using Shouldly;
using Xunit.Abstractions;

namespace OrthoScan.Api.Tests.Imaging;

public sealed class QualityTests(ITestOutputHelper output)
{
    private static readonly ImageProcessor Processor = new(new ImageLimits());

    private QualityAssessment Assess(Image image, string label)
    {
        var q = Processor.Process(TestImages.Jpeg(image)).Quality;
        output.WriteLine($"{label}: score {q.Score}, sharpness {q.Sharpness}, mean {q.MeanBrightness}, reasons [{string.Join(", ", q.Reasons)}]");
        return q;
    }

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
    public void A_dark_photo_is_underexposed()
    {
        using var photo = TestImages.Teeth(1600, 1200, seed: 7);
        using var dark = (photo * 0.25).Cast(Enums.BandFormat.Uchar);
        var q = Assess(dark, "dark");
        q.Reasons.ShouldContain("underexposed");
        q.Reasons.ShouldNotContain("overexposed");
        q.Reasons.ShouldNotContain("blurry"); // sharpness is contrast-normalised: dark is not blurry
        q.MeanBrightness.ShouldBeLessThan(QualityAnalyzer.DarkThreshold);
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
        q.MeanBrightness.ShouldBeGreaterThan(QualityAnalyzer.BrightThreshold);
        q.Score.ShouldBeLessThan(75);
    }

    [Fact]
    public void A_well_exposed_photo_is_neither()
    {
        using var photo = TestImages.Teeth(1600, 1200, seed: 9);
        var q = Assess(photo, "normal");
        q.Reasons.ShouldBeEmpty();
        q.MeanBrightness.ShouldBeInRange(QualityAnalyzer.DarkThreshold, QualityAnalyzer.BrightThreshold);
        q.Score.ShouldBeGreaterThanOrEqualTo(90);
    }

    [Fact]
    public void A_photo_with_a_short_edge_under_800_px_is_too_small()
    {
        using var small = TestImages.Teeth(1000, 750, seed: 10);
        using var enough = TestImages.Teeth(1000, 800, seed: 10);
        Assess(small, "1000x750").Reasons.ShouldBe(["too_small"]);
        Assess(enough, "1000x800").Reasons.ShouldNotContain("too_small");

        // Portrait counts the same way.
        using var portrait = TestImages.Teeth(750, 1000, seed: 10);
        Assess(portrait, "750x1000").Reasons.ShouldContain("too_small");
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
    [InlineData(0, 0, 0)]
    [InlineData(1e6, 128, 4000)]
    [InlineData(0, 255, 1)]
    [InlineData(24.9, 60, 800)]
    public void The_score_is_always_between_0_and_100(double sharpness, double mean, int shortEdge)
    {
        var q = QualityAnalyzer.Score(sharpness, mean, shortEdge);
        q.Score.ShouldBeInRange(0, 100);
    }

    [Fact]
    public void A_flawless_measurement_scores_100()
    {
        var q = QualityAnalyzer.Score(QualityAnalyzer.SharpEnough, 128, 3000);
        q.Score.ShouldBe(100);
        q.Reasons.ShouldBeEmpty();
    }
}
