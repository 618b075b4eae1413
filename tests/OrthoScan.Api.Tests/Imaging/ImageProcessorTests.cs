using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using NetVips;
using OrthoScan.Api.Infrastructure.Imaging;
using Shouldly;

namespace OrthoScan.Api.Tests.Imaging;

public sealed class ImageProcessorTests
{
    private static readonly ImageProcessor Processor = new(new ImageLimits());

    [Fact]
    public void A_jpeg_gives_three_metadata_free_jpeg_derivatives_at_the_configured_sizes()
    {
        using var photo = TestImages.Teeth(3600, 2400);
        var result = Processor.Process(TestImages.Jpeg(photo));

        result.ContentType.ShouldBe("image/jpeg");
        (result.Width, result.Height).ShouldBe((3600, 2400));
        Derivatives.Size(result.Full).ShouldBe((3000, 2000));
        Derivatives.Size(result.Display).ShouldBe((1600, 1067));
        Derivatives.Size(result.Thumbnail).ShouldBe((320, 213));
        foreach (var (name, bytes) in Derivatives.All(result)) Derivatives.ShouldCarryNoMetadata(bytes, name);
        result.Quality.Reasons.ShouldBeEmpty();
        result.Quality.Score.ShouldBeGreaterThanOrEqualTo(90);
    }

    [Fact]
    public void A_png_is_accepted_and_its_alpha_is_flattened_onto_white()
    {
        using var photo = TestImages.Teeth(1600, 1200, seed: 3);
        // Transparent left half.
        using var alpha = (Image.Black(1600, 1200) + 255).Cast(Enums.BandFormat.Uchar);
        using var clear = Image.Black(800, 1200).Cast(Enums.BandFormat.Uchar);
        using var mask = alpha.Insert(clear, 0, 0);
        using var rgba = photo.Bandjoin(mask);
        var result = Processor.Process(TestImages.Png(rgba));

        (result.Width, result.Height).ShouldBe((1600, 1200));
        Derivatives.Size(result.Full).ShouldBe((1600, 1200));
        Derivatives.Size(result.Display).ShouldBe((1600, 1200));
        Derivatives.Size(result.Thumbnail).ShouldBe((320, 240));
        using var display = Derivatives.Decode(result.Display);
        display.Bands.ShouldBe(3);
        display.Getpoint(100, 600).ShouldAllBe(v => v > 240); // white where it was transparent
        foreach (var (name, bytes) in Derivatives.All(result)) Derivatives.ShouldCarryNoMetadata(bytes, name);
    }

    [Fact]
    public void A_16_bit_greyscale_png_is_accepted()
    {
        using var photo = TestImages.Teeth(1200, 900, seed: 4);
        using var grey = photo.Colourspace(Enums.Interpretation.Grey16);
        var result = Processor.Process(TestImages.Png(grey));

        using var full = Derivatives.Decode(result.Full);
        (full.Width, full.Height, full.Bands).ShouldBe((1200, 900, 1));
        result.Quality.MeanBrightness.ShouldBeInRange(60, 205);
    }

    [Fact]
    public void A_photo_tagged_with_a_display_p3_profile_is_converted_to_srgb_before_the_profile_is_dropped()
    {
        using var flat = (Image.Black(1200, 900, bands: 3) + new double[] { 220, 30, 30 }).Cast(Enums.BandFormat.Uchar)
            .Copy(interpretation: Enums.Interpretation.Srgb);
        using var p3 = flat.IccTransform("p3", inputProfile: "srgb", embedded: false);
        var upload = p3.JpegsaveBuffer(q: 95); // keeps the P3 profile
        using (var check = Image.NewFromBuffer(upload))
        {
            check.Contains("icc-profile-data").ShouldBeTrue();
            var raw = check.Getpoint(600, 450);
            Math.Abs(raw[0] - 220).ShouldBeGreaterThan(10, "the P3 numbers differ from the sRGB ones, else this proves nothing");
        }

        var result = Processor.Process(upload);

        using var display = Derivatives.Decode(result.Display);
        var px = display.Getpoint(300, 225);
        px[0].ShouldBeInRange(212, 228);
        px[1].ShouldBeInRange(22, 38);
        px[2].ShouldBeInRange(22, 38);
        Derivatives.ShouldCarryNoMetadata(result.Display, "display");
    }

    [Fact]
    public void Small_images_are_never_upscaled()
    {
        using var photo = TestImages.Teeth(640, 480);
        var result = Processor.Process(TestImages.Jpeg(photo));

        Derivatives.Size(result.Full).ShouldBe((640, 480));
        Derivatives.Size(result.Display).ShouldBe((640, 480));
        Derivatives.Size(result.Thumbnail).ShouldBe((320, 240));

        using var tiny = TestImages.Teeth(200, 150);
        var t = Processor.Process(TestImages.Jpeg(tiny));
        Derivatives.Size(t.Thumbnail).ShouldBe((200, 150));
    }

    [Fact]
    public void Exif_capture_time_make_model_and_orientation_are_read()
    {
        using var photo = TestImages.Teeth(1200, 900);
        var upload = new ExifWriter(Make: " Apple\0 ", Model: "iPhone 15 Pro", Orientation: 1, DateTimeOriginal: "2026:03:14 09:26:53")
            .Into(TestImages.Jpeg(photo));

        var exif = Processor.Process(upload).Exif;

        exif.DeviceMake.ShouldBe("Apple");
        exif.DeviceModel.ShouldBe("iPhone 15 Pro");
        exif.CapturedAt.ShouldBe(new DateTime(2026, 3, 14, 9, 26, 53, DateTimeKind.Unspecified));
        exif.CapturedAt!.Value.Kind.ShouldBe(DateTimeKind.Unspecified);
        exif.Orientation.ShouldBe(1);
        (exif.Width, exif.Height).ShouldBe((1200, 900));
    }

    [Fact]
    public void A_capture_time_with_an_exif_offset_is_returned_in_utc()
    {
        using var photo = TestImages.Teeth(1200, 900);
        var upload = new ExifWriter(DateTimeOriginal: "2026:03:14 09:26:53", OffsetTimeOriginal: "+02:00").Into(TestImages.Jpeg(photo));

        var captured = Processor.Process(upload).Exif.CapturedAt;

        captured.ShouldBe(new DateTime(2026, 3, 14, 7, 26, 53, DateTimeKind.Utc));
        captured!.Value.Kind.ShouldBe(DateTimeKind.Utc);
    }

    [Fact]
    public void Without_exif_the_summary_has_only_the_dimensions()
    {
        using var photo = TestImages.Teeth(1000, 800);
        var exif = Processor.Process(TestImages.Jpeg(photo)).Exif;
        exif.ShouldBe(new ExifSummary(null, null, null, 1000, 800, null));
    }

    [Fact]
    public void Gps_in_the_upload_is_in_no_derivative_and_not_in_the_summary()
    {
        using var photo = TestImages.Teeth(2400, 1800);
        var upload = new ExifWriter(Gps: true).Into(TestImages.Jpeg(photo));

        // The planted EXIF really is there, GPS included (else this test would prove nothing).
        using (var s = new MemoryStream(upload))
        {
            var gps = ImageMetadataReader.ReadMetadata(s).OfType<GpsDirectory>().Single();
            gps.GetGeoLocation().ShouldNotBeNull();
        }

        var result = Processor.Process(upload);

        foreach (var (name, bytes) in Derivatives.All(result)) Derivatives.ShouldCarryNoMetadata(bytes, name);
        result.Exif.DeviceMake.ShouldBe("TestCam");
        // The summary type has no place for a location at all.
        typeof(ExifSummary).GetProperties().Select(p => p.Name)
            .ShouldAllBe(n => !n.Contains("gps", StringComparison.OrdinalIgnoreCase) &&
                              !n.Contains("lat", StringComparison.OrdinalIgnoreCase) &&
                              !n.Contains("lon", StringComparison.OrdinalIgnoreCase) &&
                              !n.Contains("location", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Gps_in_a_png_exif_chunk_is_in_no_derivative()
    {
        using var photo = TestImages.Teeth(1200, 900);
        var upload = CraftedFiles.PngWithExif(TestImages.Png(photo), new ExifWriter(Gps: true).Tiff());
        using (var s = new MemoryStream(upload))
        {
            ImageMetadataReader.ReadMetadata(s).OfType<GpsDirectory>().ShouldNotBeEmpty();
        }

        var result = Processor.Process(upload);

        foreach (var (name, bytes) in Derivatives.All(result)) Derivatives.ShouldCarryNoMetadata(bytes, name);
        result.Exif.DeviceModel.ShouldBe("Phone 12");
    }

    [Theory]
    [InlineData(6, "top-right")]   // rotate 90 CW to view: stored top-left ends up top-right
    [InlineData(8, "bottom-left")] // rotate 90 CCW to view
    [InlineData(3, "bottom-right")] // rotate 180
    [InlineData(1, "top-left")]
    public void Exif_orientation_is_applied(int orientation, string markerCorner)
    {
        // Stored landscape 1200x900 with a pure red block in the stored top-left corner.
        using var photo = TestImages.Teeth(1200, 900, noise: 0);
        using var red = Image.Black(120, 120).NewFromImage(255, 0, 0).Cast(Enums.BandFormat.Uchar);
        using var marked = photo.Insert(red, 0, 0);
        var upload = new ExifWriter(Orientation: orientation, Gps: false).Into(TestImages.Jpeg(marked));

        var result = Processor.Process(upload);

        var portrait = orientation is 6 or 8;
        (result.Width, result.Height).ShouldBe(portrait ? (900, 1200) : (1200, 900));
        result.Exif.Orientation.ShouldBe(orientation);
        (result.Exif.Width, result.Exif.Height).ShouldBe((1200, 900));
        foreach (var (name, bytes) in Derivatives.All(result))
        {
            using var image = Derivatives.Decode(bytes);
            (image.Width > image.Height).ShouldBe(!portrait, $"{name} orientation");
            RedCorner(image).ShouldBe(markerCorner, $"{name} marker");
            // The derivative carries no orientation tag a viewer could apply a second time.
            Derivatives.ShouldCarryNoMetadata(bytes, name);
        }
    }

    [Fact]
    public void The_span_overload_gives_the_same_result()
    {
        using var photo = TestImages.Teeth(1200, 900);
        var jpeg = TestImages.Jpeg(photo);
        var fromArray = Processor.Process(jpeg);
        var fromSpan = Processor.Process(new ReadOnlySpan<byte>(jpeg));
        fromSpan.PerceptualHash.ShouldBe(fromArray.PerceptualHash);
        fromSpan.Quality.ShouldBeEquivalentTo(fromArray.Quality);
        fromSpan.Full.ShouldBe(fromArray.Full);
    }

    [Fact]
    public void Concurrent_calls_on_one_instance_agree_with_a_sequential_call()
    {
        using var photo = TestImages.Teeth(2000, 1500);
        var jpeg = TestImages.Jpeg(photo);
        var expected = Processor.Process(jpeg);
        var results = new ProcessedImage[8];
        Parallel.For(0, results.Length, i => results[i] = Processor.Process(jpeg));
        results.ShouldAllBe(r => r.PerceptualHash == expected.PerceptualHash && r.Full.Length == expected.Full.Length);
    }

    [Fact]
    public void Limits_that_make_no_sense_are_refused()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new ImageProcessor(new ImageLimits(DisplayMaxEdge: 4000)));
        Should.Throw<ArgumentOutOfRangeException>(() => new ImageProcessor(new ImageLimits(ThumbnailMaxEdge: 2000)));
        Should.Throw<ArgumentOutOfRangeException>(() => new ImageProcessor(new ImageLimits(MaxPixels: 0)));
    }

    private static string RedCorner(Image image)
    {
        const int inset = 10;
        var corners = new Dictionary<string, (int X, int Y)>
        {
            ["top-left"] = (inset, inset),
            ["top-right"] = (image.Width - 1 - inset, inset),
            ["bottom-left"] = (inset, image.Height - 1 - inset),
            ["bottom-right"] = (image.Width - 1 - inset, image.Height - 1 - inset),
        };
        var red = corners.Where(c =>
        {
            var p = image.Getpoint(c.Value.X, c.Value.Y);
            return p[0] > 200 && p[1] < 60 && p[2] < 60;
        }).Select(c => c.Key).ToList();
        red.Count.ShouldBe(1, $"red corners: {string.Join(", ", red)}");
        return red[0];
    }
}
