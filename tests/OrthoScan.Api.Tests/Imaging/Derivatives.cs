using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.Icc;
using MetadataExtractor.Formats.Iptc;
using MetadataExtractor.Formats.Jpeg;
using MetadataExtractor.Formats.Photoshop;
using MetadataExtractor.Formats.Xmp;
using NetVips;
using OrthoScan.Api.Infrastructure.Imaging;
using Shouldly;

namespace OrthoScan.Api.Tests.Imaging;

/// <summary>Assertions on what the processor writes.</summary>
public static class Derivatives
{
    public static IEnumerable<(string Name, byte[] Bytes)> All(ProcessedImage p) =>
        [("full", p.Full), ("display", p.Display), ("thumbnail", p.Thumbnail)];

    /// <summary>Decodes a derivative (it must be a JPEG libvips reads without complaint).</summary>
    public static Image Decode(byte[] jpeg)
    {
        Image.FindLoadBuffer(jpeg).ShouldBe("VipsForeignLoadJpegBuffer");
        return Image.JpegloadBuffer(jpeg, failOn: Enums.FailOn.Warning);
    }

    public static (int Width, int Height) Size(byte[] jpeg)
    {
        using var image = Decode(jpeg);
        return (image.Width, image.Height);
    }

    /// <summary>
    /// No metadata at all, checked twice: MetadataExtractor (every reader it has) finds no EXIF, GPS, XMP, IPTC,
    /// ICC or Photoshop directory, and the marker segments hold nothing but JFIF APP0, tables, SOF and SOS
    /// (no APP1-APP15, no COM).
    /// </summary>
    public static void ShouldCarryNoMetadata(byte[] jpeg, string name)
    {
        using var stream = new MemoryStream(jpeg);
        var directories = ImageMetadataReader.ReadMetadata(stream);
        var found = directories
            .Where(d => d is ExifDirectoryBase or GpsDirectory or ExifThumbnailDirectory or XmpDirectory or IptcDirectory
                or IccDirectory or PhotoshopDirectory or JpegCommentDirectory)
            .Select(d => d.Name)
            .ToList();
        found.ShouldBeEmpty($"{name} derivative carries metadata");
        directories.OfType<GpsDirectory>().ShouldBeEmpty($"{name} derivative carries GPS");

        var markers = CraftedFiles.JpegSegments(jpeg).Select(s => s.Marker).ToList();
        var app = markers.Where(m => m is >= 0xE1 and <= 0xEF or 0xFE).Select(m => $"0x{m:X2}").ToList();
        app.ShouldBeEmpty($"{name} derivative has APPn/COM segments");
        System.Text.Encoding.ASCII.GetString(jpeg).ShouldNotContain("Exif\0\0", customMessage: $"{name} contains an EXIF header");
    }
}
