using System.Diagnostics;
using System.Text;
using NetVips;
using OrthoScan.Api.Infrastructure.Imaging;
using Shouldly;

namespace OrthoScan.Api.Tests.Imaging;

public sealed class RejectionTests
{
    private static readonly ImageProcessor Processor = new(new ImageLimits());

    /// <summary>
    /// A real 64x48 HEIC (HEVC) file, 729 bytes, made with `heif-enc` (Debian libheif-examples 1.15.1, x265) from a
    /// flat orange JPEG. NetVips cannot make one: the libvips in NetVips.Native has no HEVC encoder or decoder.
    /// </summary>
    internal const string HeicBase64 = "AAAAHGZ0eXBoZWljAAAAAG1pZjFoZWljbWlhZgAAAeFtZXRhAAAAAAAAACFoZGxyAAAAAAAAAABwaWN0AAAAAAAAAAAAAAAAAAAAAA5waXRtAAAAAAACAAAAEGlkYXQAAAAAAEAAMAAAAExpbG9jAQAAAERAAAMAAQAAAAAAAAIFAAEAAAAAAAAAHAACAAEAAAAAAAAAAQAAAAAAAAAIAAMAAAAAAAACIQABAAAAAAAAALgAAABNaWluZgAAAAAAAwAAABVpbmZlAgAAAQABAABodmMxAAAAABVpbmZlAgAAAAACAABncmlkAAAAABVpbmZlAgAAAQADAABFeGlmAAAAANVpcHJwAAAAs2lwY28AAABzaHZjQwEDcAAAAAAAAAAAAB7wAPz9+PgAAA8DIAABABhAAQwB//8DcAAAAwCQAAADAAADAB66AkAhAAEAJ0IBAQNwAAADAJAAAAMAAAMAHqAggQWW6uSmubAgAAADACAAAAMAISIAAQAGRAHBc8CJAAAAFGlzcGUAAAAAAAAAQAAAAEAAAAAUaXNwZQAAAAAAAABAAAAAMAAAABBwaXhpAAAAAAMICAgAAAAaaXBtYQAAAAAAAAACAAECgQIAAgIDhAAAAChpcmVmAAAAAAAAAA5kaW1nAAIAAQABAAAADmNkc2MAAwABAAIAAADcbWRhdAAAABgoAa8TgPUngT/+WUf/0fZ4fNztfnny1PAAAAAASUkqAAgAAAAGABIBAwABAAAAAQAAABoBBQABAAAAVgAAABsBBQABAAAAXgAAACgBAwABAAAAAgAAABMCAwABAAAAAQAAAGmHBAABAAAAZgAAAAAAAAA4YwAA6AMAADhjAADoAwAABgAAkAcABAAAADAyMTABkQcABAAAAAECAwAAoAcABAAAADAxMDABoAMAAQAAAP//AAACoAQAAQAAAEAAAAADoAQAAQAAADAAAAAAAAAA";

    private static string ReasonFor(byte[] data, ImageLimits? limits = null)
    {
        var processor = limits is null ? Processor : new ImageProcessor(limits);
        return Should.Throw<ImageRejectedException>(() => processor.Process(data)).Reason;
    }

    private static byte[] Jpeg(int width = 1600, int height = 1200, int seed = 1)
    {
        using var photo = TestImages.Teeth(width, height, seed);
        return TestImages.Jpeg(photo);
    }

    [Fact]
    public void Text_is_not_an_image() =>
        ReasonFor(Encoding.UTF8.GetBytes("hello, this is not a photo of teeth")).ShouldBe("not_an_image");

    [Fact]
    public void Empty_and_tiny_uploads_are_not_images()
    {
        ReasonFor([]).ShouldBe("not_an_image");
        ReasonFor([0xFF]).ShouldBe("not_an_image");
        ReasonFor([0xFF, 0xD8]).ShouldBe("not_an_image");
    }

    [Fact]
    public void Random_bytes_are_not_an_image()
    {
        var bytes = new byte[64 * 1024];
        new Random(42).NextBytes(bytes);
        bytes[0] = 0x00;
        ReasonFor(bytes).ShouldBe("not_an_image");
    }

    [Fact]
    public void A_zip_renamed_jpg_is_not_an_image()
    {
        var zip = CraftedFiles.Zip();
        zip[..4].ShouldBe(new byte[] { 0x50, 0x4B, 0x03, 0x04 });
        ReasonFor(zip).ShouldBe("not_an_image");
    }

    [Fact]
    public void A_pdf_is_not_an_image() =>
        ReasonFor(Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")).ShouldBe("not_an_image");

    [Fact]
    public void A_jpeg_signature_followed_by_garbage_is_rejected_without_a_crash()
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        bytes[0] = 0xFF;
        bytes[1] = 0xD8;
        bytes[2] = 0xFF;
        bytes[3] = 0xE0;
        ReasonFor(bytes).ShouldBeOneOf("not_an_image", "truncated");
    }

    [Fact]
    public void Heic_is_an_unsupported_format_because_this_libvips_cannot_decode_it()
    {
        var heic = Convert.FromBase64String(HeicBase64);

        // The decision, pinned: libvips finds a loader and reads the header, but cannot decode HEVC pixels.
        // If a future NetVips.Native can, this fails: then accept HEIC in ImageFormatSniffer and change this test.
        Image.FindLoadBuffer(heic).ShouldBe("VipsForeignLoadHeifBuffer");
        using (var header = Image.NewFromBuffer(heic, access: Enums.Access.Sequential))
        {
            (header.Width, header.Height).ShouldBe((64, 48));
            Should.Throw<VipsException>(() => header.Avg());
        }

        ReasonFor(heic).ShouldBe("unsupported_format");
    }

    [Fact]
    public void Other_image_formats_are_unsupported()
    {
        using var photo = TestImages.Teeth(320, 240);
        ReasonFor(photo.HeifsaveBuffer(compression: Enums.ForeignHeifCompression.Av1)).ShouldBe("unsupported_format");
        ReasonFor(photo.WebpsaveBuffer()).ShouldBe("unsupported_format");
        ReasonFor(photo.GifsaveBuffer()).ShouldBe("unsupported_format");
        ReasonFor(photo.TiffsaveBuffer()).ShouldBe("unsupported_format");
    }

    [Fact]
    public void A_truncated_jpeg_is_truncated()
    {
        var jpeg = Jpeg();
        ReasonFor(jpeg[..(jpeg.Length * 6 / 10)]).ShouldBe("truncated");
        ReasonFor(jpeg[..(jpeg.Length - 100)]).ShouldBe("truncated");
    }

    [Fact]
    public void A_jpeg_cut_inside_its_header_is_truncated()
    {
        var jpeg = new ExifWriter().Into(Jpeg());
        ReasonFor(jpeg[..120]).ShouldBe("truncated");
    }

    [Fact]
    public void A_truncated_png_is_truncated()
    {
        using var photo = TestImages.Teeth(1200, 900);
        var png = TestImages.Png(photo);
        ReasonFor(png[..(png.Length / 2)]).ShouldBe("truncated");
    }

    [Fact]
    public void An_upload_over_the_byte_limit_is_too_large_before_anything_is_decoded()
    {
        var jpeg = Jpeg();
        var limits = new ImageLimits(MaxBytes: jpeg.Length - 1);
        ReasonFor(jpeg, limits).ShouldBe("too_large");
        Should.Throw<ImageRejectedException>(() => new ImageProcessor(limits).Process(new ReadOnlySpan<byte>(jpeg)))
            .Reason.ShouldBe("too_large");

        // Size is checked before the content: even garbage over the limit is too_large.
        ReasonFor(new byte[1024], new ImageLimits(MaxBytes: 1000)).ShouldBe("too_large");
    }

    [Fact]
    public void An_image_over_the_pixel_limit_is_refused()
    {
        var jpeg = Jpeg(1600, 1200);
        ReasonFor(jpeg, new ImageLimits(MaxPixels: (1600 * 1200) - 1)).ShouldBe("too_many_pixels");
        Should.NotThrow(() => new ImageProcessor(new ImageLimits(MaxPixels: 1600 * 1200)).Process(jpeg));
    }

    [Fact]
    public void A_jpeg_with_60000_markers_is_refused_as_too_many_markers()
    {
        var jpeg = CraftedFiles.JpegWithComments(Jpeg(320, 240), 60_000);
        var e = Should.Throw<ImageRejectedException>(() => Processor.Process(jpeg));
        e.Reason.ShouldBe("too_many_markers");
        e.Message.ShouldContain("1,000");
    }

    [Fact]
    public void A_jpeg_with_a_few_hundred_comments_is_still_a_photo() =>
        Should.NotThrow(() => Processor.Process(CraftedFiles.JpegWithComments(Jpeg(320, 240), 500)));

    [Fact]
    public void A_png_may_have_up_to_the_limit_of_chunks_and_not_one_more()
    {
        // IHDR, IDAT, IEND: two chunks that count (IDAT does not), so 998 tEXt chunks reach the limit of 1000 exactly.
        var png = CraftedFiles.PngBomb(64, 4);
        byte[] WithTextChunks(int n) => CraftedFiles.PngWithChunks(png, [.. Enumerable.Repeat(("tEXt", "a\0b"u8.ToArray()), n)]);

        Should.NotThrow(() => Processor.Process(WithTextChunks(998)));
        ReasonFor(WithTextChunks(999)).ShouldBe("too_many_markers");
    }

    [Fact]
    public void A_progressive_jpeg_with_more_scans_than_the_limit_is_too_many_markers()
    {
        using var photo = TestImages.Teeth(320, 240);
        var progressive = photo.JpegsaveBuffer(q: 90, interlace: true, keep: Enums.ForeignKeep.None);
        var scans = CraftedFiles.JpegMarkers(progressive).Count(m => m == 0xDA);
        scans.ShouldBeGreaterThan(2);

        Should.NotThrow(() => new ImageProcessor(new ImageLimits(MaxScans: scans)).Process(progressive));
        ReasonFor(progressive, new ImageLimits(MaxScans: scans - 1)).ShouldBe("too_many_markers");
    }

    [Fact]
    public void A_20000x20000_png_is_too_many_pixels() =>
        ReasonFor(CraftedFiles.PngBomb(20_000, 20_000)).ShouldBe("too_many_pixels");

    [Fact]
    public void An_image_under_the_pixel_limit_that_would_decode_past_the_decoded_size_cap_is_refused_from_its_header()
    {
        // 30 megapixels (under 50) of 16-bit RGBA: 240 MB decoded, over the 200 MB cap.
        var png = CraftedFiles.PngBomb(6000, 5000, colourType: 6, bitDepth: 16);
        png.Length.ShouldBeLessThan(64 * 1024);
        var e = Should.Throw<ImageRejectedException>(() => Processor.Process(png));
        e.Reason.ShouldBe("decoded_too_large");
        e.Message.ShouldContain("240,000,000");
    }

    [Fact]
    public void The_decoded_size_cap_is_width_x_height_x_bands_x_bytes_per_sample()
    {
        var jpeg = Jpeg(1600, 1200); // 3 bands of 8 bits: 5,760,000 bytes decoded
        ReasonFor(jpeg, new ImageLimits(MaxDecodedBytes: 5_760_000 - 1)).ShouldBe("decoded_too_large");
        Should.NotThrow(() => new ImageProcessor(new ImageLimits(MaxDecodedBytes: 5_760_000)).Process(jpeg));
    }

    [Fact]
    public void A_text_chunk_may_inflate_to_the_metadata_limit_and_not_one_byte_more()
    {
        var png = CraftedFiles.PngBomb(64, 4);
        var limit = new ImageLimits().MaxMetadataBytes;
        byte[] WithText(long inflated) => CraftedFiles.PngWithChunks(png, ("zTXt", CraftedFiles.ZtxtData(CraftedFiles.ZlibOfZeros(inflated))));

        Should.NotThrow(() => Processor.Process(WithText(limit)));
        ReasonFor(WithText(limit + 1)).ShouldBe("metadata_too_large");
    }

    [Fact]
    public void All_metadata_of_a_file_together_is_capped_too()
    {
        var png = CraftedFiles.PngBomb(64, 4);
        var limits = new ImageLimits();
        var block = ("zTXt", CraftedFiles.ZtxtData(CraftedFiles.ZlibOfZeros(limits.MaxMetadataBytes)));
        var fit = (int)(limits.MaxMetadataTotalBytes / limits.MaxMetadataBytes);

        Should.NotThrow(() => Processor.Process(CraftedFiles.PngWithChunks(png, [.. Enumerable.Repeat(block, fit)])));
        ReasonFor(CraftedFiles.PngWithChunks(png, [.. Enumerable.Repeat(block, fit), ("tEXt", "a\0b"u8.ToArray())])).ShouldBe("metadata_too_large");
    }

    [Theory]
    [InlineData("xmp")]
    [InlineData("icc")]
    public void A_jpeg_whose_xmp_or_icc_segments_add_up_past_the_metadata_limit_is_refused(string kind)
    {
        var preamble = kind == "xmp" ? "http://ns.adobe.com/xmp/extension/\0"u8.ToArray() : "ICC_PROFILE\0"u8.ToArray();
        var marker = kind == "xmp" ? (byte)0xE1 : (byte)0xE2;
        var segment = (marker, (byte[])[.. preamble, .. new byte[60_000]]);
        var jpeg = Jpeg(320, 240);

        // 2 MiB in segments of 60 KB: 34 segments are under the limit, 35 are over it.
        Should.NotThrow(() => Processor.Process(CraftedFiles.JpegWithSegments(jpeg, [.. Enumerable.Repeat(segment, 34)])));
        ReasonFor(CraftedFiles.JpegWithSegments(jpeg, [.. Enumerable.Repeat(segment, 35)])).ShouldBe("metadata_too_large");
    }

    [Fact]
    public void The_rejection_carries_a_readable_message()
    {
        var e = Should.Throw<ImageRejectedException>(() => Processor.Process(CraftedFiles.Zip()));
        e.Message.ShouldNotBeNullOrWhiteSpace();
        e.Reason.ShouldBe(ImageRejectionReasons.NotAnImage);
    }
}
