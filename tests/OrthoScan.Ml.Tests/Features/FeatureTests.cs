using NetVips;
using OrthoScan.Ml.Features;
using OrthoScan.Ml.Models;

namespace OrthoScan.Ml.Tests.Features;

public sealed class FeatureTests
{
    private static float Feature(ImageFeatures features, string name) => features.Values[ImageFeatures.Names.ToList().IndexOf(name)];

    private static ImageFeatures Photo(string tracking, string fit, int seed) => ImageFeatures.From(SyntheticDataset.Photo(
        new Dictionary<string, string> { ["overall_tracking"] = tracking, ["aligner_fit"] = fit, ["oral_hygiene"] = "1" }, new Random(seed), 320, 240));

    [Fact]
    public void A_photo_gives_finite_statistics_that_follow_its_brightness_and_sharpness()
    {
        var (dark, bright) = (Photo("1", "2", 1), Photo("3", "2", 1));
        var (sharp, blurred) = (Photo("2", "1", 2), Photo("2", "3", 2));

        dark.Values.Length.ShouldBe(ImageFeatures.Count);
        dark.Values.ShouldAllBe(v => float.IsFinite(v));
        Feature(bright, "lightness_mean").ShouldBeGreaterThan(Feature(dark, "lightness_mean") + 0.1f);
        Feature(sharp, "sharpness_log_laplacian_variance").ShouldBeGreaterThan(Feature(blurred, "sharpness_log_laplacian_variance") + 1);
        Feature(sharp, "high_frequency_std").ShouldBeGreaterThan(Feature(blurred, "high_frequency_std"));
    }

    [Fact]
    public void A_grey_png_with_alpha_is_read_as_colour()
    {
        using var grey = Image.Black(40, 30) + 128;
        using var withAlpha = grey.Bandjoin(255);
        using var png = withAlpha.Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Bw);

        var features = ImageFeatures.From(png.PngsaveBuffer());

        Feature(features, "red_mean").ShouldBe(128 / 255f, 0.01f);
        Feature(features, "chroma_mean").ShouldBe(0, 0.01f);
    }

    [Fact]
    public void Bytes_that_are_no_image_are_refused() =>
        Should.Throw<ImageFeatureException>(() => ImageFeatures.From("GIF89a but not really"u8.ToArray()));

    [Fact]
    public void Missing_views_are_zeros_with_the_present_flag_off_and_context_has_known_flags()
    {
        var layout = FeatureLayout.For(["overall_tracking", "aligner_fit"]);
        var buccal = Photo("2", "2", 3);

        var vector = layout.Vector(new Dictionary<string, ImageFeatures> { ["buccal_l"] = buccal, ["not_a_view"] = buccal },
            new SessionContextFeatures(0.25, null, new Dictionary<string, string> { ["aligner_fit"] = "not_applicable" }));

        layout.Names.Count.ShouldBe(layout.Length);
        vector.Length.ShouldBe(layout.Length);
        float At(string name) => vector[layout.Names.ToList().IndexOf(name)];
        At("frontal.present").ShouldBe(0);
        At("frontal.lightness_mean").ShouldBe(0);
        At("buccal_l.present").ShouldBe(1);
        At("buccal_l.lightness_mean").ShouldBe(Feature(buccal, "lightness_mean"));
        At("mean.lightness_mean").ShouldBe(Feature(buccal, "lightness_mean"));
        At("views_present").ShouldBe(1);
        (At("stage_fraction"), At("stage_fraction_known")).ShouldBe((0.25f, 1f));
        (At("days_since_last_scan_log"), At("days_since_last_scan_known")).ShouldBe((0f, 0f));
        (At("prev_aligner_fit"), At("prev_aligner_fit_known")).ShouldBe((0f, 1f));
        (At("prev_overall_tracking"), At("prev_overall_tracking_known")).ShouldBe((0f, 0f));
    }
}
