using System.Buffers.Binary;
using System.Text;
using NetVips;

namespace OrthoScan.Api.Tests.Imaging;

/// <summary>How a hostile upload must end.</summary>
public enum HostileOutcome
{
    /// <summary>Processed, with derivatives that carry no metadata and none of the smuggled payload.</summary>
    AcceptedAndStripped,
    /// <summary>Refused by the worker with one of the named reasons, which the patient sees as a retake.</summary>
    Refused,
    /// <summary>Refused before anything is stored: the upload link is not granted.</summary>
    GrantRefused,
    /// <summary>Refused before anything is stored: the signed upload takes no body of another length.</summary>
    PutRefused,
}

/// <summary>
/// One hostile upload: its bytes, the content type the app declares, the length it asks a link for (when that is not
/// the file's), how it must end and, for files that may be accepted, the bytes that must not reach a derivative.
/// </summary>
public sealed record HostileFile(string Name, byte[] Bytes, string ContentType, HostileOutcome Expected, string[] Reasons,
    byte[]? Payload = null, long? DeclaredLength = null)
{
    public override string ToString() => Name;
}

/// <summary>
/// The hostile upload corpus, built in code: polyglots, other formats under a photo's content type, decompression and
/// metadata bombs, truncated and corrupt images, EXIF bombs, colour and encoding oddities, lengths that lie.
/// </summary>
public static class HostileFiles
{
    private static readonly byte[] ZipSignature = [0x50, 0x4B, 0x03, 0x04];
    private static readonly byte[] Script = "<html><body><script>alert(document.cookie)</script></body></html>"u8.ToArray();
    private static readonly byte[] Php = "<?php system($_GET['cmd']); ?>"u8.ToArray();

    /// <summary>A photo that passes every quality check: distinct per seed, so that no two views are duplicates.</summary>
    public static byte[] Photo(int seed)
    {
        using var photo = TestImages.Teeth(1600, 1200, seed);
        return TestImages.Jpeg(photo);
    }

    public static List<HostileFile> All()
    {
        using var small = TestImages.Teeth(320, 240, seed: 700);
        using var photo = TestImages.Teeth(1600, 1200, seed: 701);
        var png = TestImages.Png(photo);
        var jpeg = Photo(702);
        var withExif = new ExifWriter(Orientation: 8).Into(Photo(703));
        string[] truncated = ["truncated", "not_an_image"];

        return
        [
            new("JPEG+ZIP polyglot", [.. Photo(710), .. CraftedFiles.Zip()], "image/jpeg", HostileOutcome.AcceptedAndStripped, [], ZipSignature),
            new("JPEG followed by an HTML page with a script", [.. Photo(711), .. Script], "image/jpeg", HostileOutcome.AcceptedAndStripped, [], "<script"u8.ToArray()),
            new("JPEG with a script in a comment segment", CraftedFiles.JpegWithSegments(Photo(712), (0xFE, Script)), "image/jpeg", HostileOutcome.AcceptedAndStripped, [],
                "<script"u8.ToArray()),
            new("PNG followed by PHP", [.. png, .. Php], "image/png", HostileOutcome.AcceptedAndStripped, [], "<?php"u8.ToArray()),
            new("PNG with PHP in a text chunk", CraftedFiles.PngWithChunks(TestImages.Png(TestImages.Teeth(1600, 1200, 713)), ("tEXt", [.. "Comment\0"u8, .. Php])),
                "image/png", HostileOutcome.AcceptedAndStripped, [], "<?php"u8.ToArray()),
            new("HTML page with a JPEG after it", [.. Script, .. jpeg], "image/jpeg", HostileOutcome.Refused, ["not_an_image"]),
            new("SVG with a script, sent as a JPEG", Encoding.UTF8.GetBytes(
                    """<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="1200"><script>alert(1)</script><rect width="100%" height="100%"/></svg>"""),
                "image/jpeg", HostileOutcome.Refused, ["not_an_image", "unsupported_format"]),
            new("GIF sent as a JPEG", small.GifsaveBuffer(), "image/jpeg", HostileOutcome.Refused, ["unsupported_format"]),
            new("WebP sent as a JPEG", small.WebpsaveBuffer(), "image/jpeg", HostileOutcome.Refused, ["unsupported_format"]),
            new("TIFF sent as a PNG", small.TiffsaveBuffer(), "image/png", HostileOutcome.Refused, ["unsupported_format"]),
            new("HEIC sent as a JPEG", Convert.FromBase64String(RejectionTests.HeicBase64), "image/jpeg", HostileOutcome.Refused, ["unsupported_format"]),
            new("PDF sent as a JPEG", "%PDF-1.7\n1 0 obj\n<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\nendobj\n%%EOF\n"u8.ToArray(),
                "image/jpeg", HostileOutcome.Refused, ["not_an_image"]),
            new("ZIP sent as a JPEG", CraftedFiles.Zip(), "image/jpeg", HostileOutcome.Refused, ["not_an_image"]),
            new("a JPEG sent as a PNG", Photo(714), "image/png", HostileOutcome.AcceptedAndStripped, []),
            new("PNG claiming 65535x65535 pixels", CraftedFiles.PngBomb(65535, 65535), "image/png", HostileOutcome.Refused, ["too_many_pixels"]),
            new("JPEG claiming 65535x65535 pixels", CraftedFiles.JpegBomb(jpeg, 65535, 65535), "image/jpeg", HostileOutcome.Refused, ["too_many_pixels"]),
            new("16-bit RGBA PNG that decodes to 240 MB", CraftedFiles.PngBomb(6000, 5000, colourType: 6, bitDepth: 16), "image/png", HostileOutcome.Refused,
                ["decoded_too_large"]),
            new("PNG whose text chunk inflates to 16 MiB", CraftedFiles.PngWithChunks(png, ("zTXt", CraftedFiles.ZtxtData(CraftedFiles.ZlibOfZeros(16L << 20)))),
                "image/png", HostileOutcome.Refused, ["metadata_too_large"]),
            new("PNG whose ICC profile inflates to 16 MiB", CraftedFiles.PngWithChunks(png, ("iCCP", CraftedFiles.IccpData(CraftedFiles.ZlibOfZeros(16L << 20)))),
                "image/png", HostileOutcome.Refused, ["metadata_too_large"]),
            new("JPEG with 35 ICC profile segments of 60 KB", CraftedFiles.JpegWithSegments(jpeg, [.. Enumerable.Repeat(((byte)0xE2, (byte[])[.. "ICC_PROFILE\0"u8, .. new byte[60_000]]), 35)]),
                "image/jpeg", HostileOutcome.Refused, ["metadata_too_large"]),
            new("JPEG with 60,000 marker segments", CraftedFiles.JpegWithComments(jpeg, 60_000), "image/jpeg", HostileOutcome.Refused, ["too_many_markers"]),
            new("JPEG cut after 4 bytes", jpeg[..4], "image/jpeg", HostileOutcome.Refused, truncated),
            new("JPEG cut inside its EXIF header", withExif[..120], "image/jpeg", HostileOutcome.Refused, truncated),
            new("JPEG cut at 60 %", jpeg[..(jpeg.Length * 6 / 10)], "image/jpeg", HostileOutcome.Refused, truncated),
            new("JPEG missing its last 100 bytes", jpeg[..^100], "image/jpeg", HostileOutcome.Refused, truncated),
            // Scrambled codes that still parse are garbled pixels to libjpeg, not an error: the photo is re-encoded like any other.
            new("JPEG with scrambled Huffman-coded data", CorruptEntropyData(Photo(715)), "image/jpeg", HostileOutcome.AcceptedAndStripped, []),
            new("JPEG with a bogus Huffman table", BogusHuffmanTable(Photo(724)), "image/jpeg", HostileOutcome.Refused, ["not_an_image", "truncated"]),
            new("PNG with a corrupt IDAT checksum", CorruptPngData(png), "image/png", HostileOutcome.Refused, ["truncated", "not_an_image"]),
            new("zero bytes", [], "image/jpeg", HostileOutcome.GrantRefused, []),
            new("one byte", [0xFF], "image/jpeg", HostileOutcome.Refused, ["not_an_image"]),
            new("EXIF with 5,000 tags", CraftedFiles.JpegWithSegments(Photo(716), (0xE1, [.. "Exif\0\0"u8, .. ManyTags(5000)])), "image/jpeg",
                HostileOutcome.AcceptedAndStripped, []),
            new("EXIF whose IFDs point at themselves", CraftedFiles.JpegWithSegments(Photo(717), (0xE1, [.. "Exif\0\0"u8, .. SelfReferencingIfd()])), "image/jpeg",
                HostileOutcome.AcceptedAndStripped, []),
            new("EXIF entry claiming two billion values", CraftedFiles.JpegWithSegments(Photo(718), (0xE1, [.. "Exif\0\0"u8, .. HugeCount()])), "image/jpeg",
                HostileOutcome.AcceptedAndStripped, []),
            new("40 EXIF segments of 60 KB, under the 8 MiB a file may hold", ManyExifSegments(Photo(719), 40), "image/jpeg", HostileOutcome.AcceptedAndStripped, []),
            new("150 EXIF segments of 60 KB, past the 8 MiB a file may hold", ManyExifSegments(Photo(725), 150), "image/jpeg", HostileOutcome.Refused,
                ["metadata_too_large"]),
            new("EXIF with GPS and a rotation", withExif, "image/jpeg", HostileOutcome.AcceptedAndStripped, []),
            new("CMYK JPEG", Cmyk(720), "image/jpeg", HostileOutcome.AcceptedAndStripped, []),
            new("progressive JPEG", Progressive(721), "image/jpeg", HostileOutcome.AcceptedAndStripped, []),
            new("JPEG sent with a link for one byte more", Photo(722), "image/jpeg", HostileOutcome.PutRefused, [], DeclaredLength: Photo(722).Length + 1),
            new("JPEG sent with a link for one byte less", Photo(723), "image/jpeg", HostileOutcome.PutRefused, [], DeclaredLength: Photo(723).Length - 1),
        ];
    }

    /// <summary>The JPEG with bytes of its entropy-coded data scrambled (never into 0xFF, so the markers stay where they are).</summary>
    private static byte[] CorruptEntropyData(byte[] jpeg)
    {
        var bytes = (byte[])jpeg.Clone();
        var sos = CraftedFiles.JpegSegments(bytes).Last().Offset;
        var start = sos + 2 + BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(sos + 2));
        var random = new Random(715);
        for (var i = start + ((bytes.Length - start) / 3); i < start + ((bytes.Length - start) / 2); i += 3)
        {
            if (bytes[i] == 0xFF || bytes[i - 1] == 0xFF) continue;
            var value = (byte)random.Next(0, 0xFF);
            bytes[i] = value;
        }
        return bytes;
    }

    /// <summary>The JPEG whose first Huffman table claims 16 x 255 codes (at most 256 exist).</summary>
    private static byte[] BogusHuffmanTable(byte[] jpeg)
    {
        var bytes = (byte[])jpeg.Clone();
        var dht = CraftedFiles.JpegSegments(bytes).First(s => s.Marker == 0xC4).Offset;
        bytes.AsSpan(dht + 5, 16).Fill(0xFF);
        return bytes;
    }

    private static byte[] ManyExifSegments(byte[] jpeg, int count) =>
        CraftedFiles.JpegWithSegments(jpeg, [.. Enumerable.Repeat(((byte)0xE1, (byte[])[.. "Exif\0\0"u8, .. ManyTags(5000)]), count)]);

    /// <summary>The PNG with bytes inside its first IDAT changed, so its CRC and its zlib stream no longer match.</summary>
    private static byte[] CorruptPngData(byte[] png)
    {
        var bytes = (byte[])png.Clone();
        var idat = bytes.AsSpan().IndexOf("IDAT"u8);
        for (var i = idat + 100; i < idat + 400; i++) bytes[i] ^= 0x5A;
        return bytes;
    }

    private static byte[] Cmyk(int seed)
    {
        using var photo = TestImages.Teeth(1600, 1200, seed);
        using var black = photo[1];
        using var cmyk = photo.Bandjoin(black).Copy(interpretation: Enums.Interpretation.Cmyk);
        return cmyk.JpegsaveBuffer(q: 90, keep: Enums.ForeignKeep.None);
    }

    private static byte[] Progressive(int seed)
    {
        using var photo = TestImages.Teeth(1600, 1200, seed);
        return photo.JpegsaveBuffer(q: 90, interlace: true, keep: Enums.ForeignKeep.None);
    }

    /// <summary>Little-endian TIFF whose IFD0 holds <paramref name="count"/> SHORT entries (at most 5,400 fit one segment).</summary>
    private static byte[] ManyTags(int count)
    {
        var tiff = new byte[8 + 2 + (12 * count) + 4];
        "II*\0"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(8), (ushort)count);
        for (var i = 0; i < count; i++)
        {
            var entry = tiff.AsSpan(10 + (12 * i));
            BinaryPrimitives.WriteUInt16LittleEndian(entry, (ushort)(0x1000 + i));
            BinaryPrimitives.WriteUInt16LittleEndian(entry[2..], 3);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], 1);
            BinaryPrimitives.WriteUInt16LittleEndian(entry[8..], (ushort)i);
        }
        return tiff;
    }

    /// <summary>IFD0 whose Exif and GPS pointers and next-IFD offset all point back at IFD0.</summary>
    private static byte[] SelfReferencingIfd()
    {
        var tiff = new byte[8 + 2 + (12 * 3) + 4];
        "II*\0"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(8), 3);
        ushort[] pointers = [0x8769, 0x8825, 0xA005];
        for (var i = 0; i < pointers.Length; i++)
        {
            var entry = tiff.AsSpan(10 + (12 * i));
            BinaryPrimitives.WriteUInt16LittleEndian(entry, pointers[i]);
            BinaryPrimitives.WriteUInt16LittleEndian(entry[2..], 4);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], 1);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], 8);
        }
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(10 + (12 * 3)), 8);
        return tiff;
    }

    /// <summary>IFD0 with a Make entry of 0x7FFFFFFF ASCII characters at an offset far past the end.</summary>
    private static byte[] HugeCount()
    {
        var tiff = new byte[8 + 2 + 12 + 4];
        "II*\0"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(10), 0x010F);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(12), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(14), 0x7FFFFFFF);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(18), 0x7FFFFFF0);
        return tiff;
    }
}
