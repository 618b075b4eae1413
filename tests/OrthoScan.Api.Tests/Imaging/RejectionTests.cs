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
    private const string HeicBase64 = "AAAAHGZ0eXBoZWljAAAAAG1pZjFoZWljbWlhZgAAAeFtZXRhAAAAAAAAACFoZGxyAAAAAAAAAABwaWN0AAAAAAAAAAAAAAAAAAAAAA5waXRtAAAAAAACAAAAEGlkYXQAAAAAAEAAMAAAAExpbG9jAQAAAERAAAMAAQAAAAAAAAIFAAEAAAAAAAAAHAACAAEAAAAAAAAAAQAAAAAAAAAIAAMAAAAAAAACIQABAAAAAAAAALgAAABNaWluZgAAAAAAAwAAABVpbmZlAgAAAQABAABodmMxAAAAABVpbmZlAgAAAAACAABncmlkAAAAABVpbmZlAgAAAQADAABFeGlmAAAAANVpcHJwAAAAs2lwY28AAABzaHZjQwEDcAAAAAAAAAAAAB7wAPz9+PgAAA8DIAABABhAAQwB//8DcAAAAwCQAAADAAADAB66AkAhAAEAJ0IBAQNwAAADAJAAAAMAAAMAHqAggQWW6uSmubAgAAADACAAAAMAISIAAQAGRAHBc8CJAAAAFGlzcGUAAAAAAAAAQAAAAEAAAAAUaXNwZQAAAAAAAABAAAAAMAAAABBwaXhpAAAAAAMICAgAAAAaaXBtYQAAAAAAAAACAAECgQIAAgIDhAAAAChpcmVmAAAAAAAAAA5kaW1nAAIAAQABAAAADmNkc2MAAwABAAIAAADcbWRhdAAAABgoAa8TgPUngT/+WUf/0fZ4fNztfnny1PAAAAAASUkqAAgAAAAGABIBAwABAAAAAQAAABoBBQABAAAAVgAAABsBBQABAAAAXgAAACgBAwABAAAAAgAAABMCAwABAAAAAQAAAGmHBAABAAAAZgAAAAAAAAA4YwAA6AMAADhjAADoAwAABgAAkAcABAAAADAyMTABkQcABAAAAAECAwAAoAcABAAAADAxMDABoAMAAQAAAP//AAACoAQAAQAAAEAAAAADoAQAAQAAADAAAAAAAAAA";

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
    public void The_rejection_carries_a_readable_message()
    {
        var e = Should.Throw<ImageRejectedException>(() => Processor.Process(CraftedFiles.Zip()));
        e.Message.ShouldNotBeNullOrWhiteSpace();
        e.Reason.ShouldBe(ImageRejectionReasons.NotAnImage);
    }
}
