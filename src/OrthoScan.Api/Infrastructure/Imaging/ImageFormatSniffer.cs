using System.Buffers.Binary;

namespace OrthoScan.Api.Infrastructure.Imaging;

internal enum SniffedFormat
{
    Jpeg,
    Png,
}

/// <summary>
/// Decides from the first bytes alone what an upload is, before any decoder sees it. Only JPEG and PNG pass.
/// Other image formats are told apart (<c>unsupported_format</c>) from things that are not images at all
/// (<c>not_an_image</c>: text, PDF, a zip renamed .jpg, ...).
/// </summary>
/// <remarks>
/// HEIC/HEIF is deliberately unsupported: the libvips build shipped in NetVips.Native (8.18.7) reads a HEIC header
/// but cannot decode HEVC pixels (libheif there has no libde265 plugin), so it is refused here, up front, instead of
/// failing half-way. The patient app sends JPEG (expo-camera's takePictureAsync).
/// </remarks>
internal static class ImageFormatSniffer
{
    private static ReadOnlySpan<byte> Png => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static ReadOnlySpan<byte> Jp2 => [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20];
    private static ReadOnlySpan<byte> J2kCodestream => [0xFF, 0x4F, 0xFF, 0x51];
    private static ReadOnlySpan<byte> JxlCodestream => [0xFF, 0x0A];
    private static ReadOnlySpan<byte> JxlContainer => [0x00, 0x00, 0x00, 0x0C, 0x4A, 0x58, 0x4C, 0x20];

    public static SniffedFormat Detect(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        {
            return SniffedFormat.Jpeg;
        }

        if (data.StartsWith(Png))
        {
            return SniffedFormat.Png;
        }

        if (OtherImageFormat(data) is { } name)
        {
            throw new ImageRejectedException(
                ImageRejectionReasons.UnsupportedFormat, $"{name} images are not accepted; send JPEG or PNG.");
        }

        throw new ImageRejectedException(ImageRejectionReasons.NotAnImage, "The file is not a JPEG or PNG image.");
    }

    /// <summary>
    /// Whether the file visibly stops early: a JPEG that does not end with EOI (FF D9), a PNG whose chunks run past
    /// the end or never reach IEND. Used to name a decoder failure, never to accept anything.
    /// </summary>
    public static bool LooksTruncated(ReadOnlySpan<byte> data, SniffedFormat format)
    {
        if (format == SniffedFormat.Jpeg)
        {
            var end = data.TrimEnd((byte)0x00); // some encoders pad after EOI
            return end.Length < 4 || end[^2] != 0xFF || end[^1] != 0xD9;
        }

        var at = Png.Length;
        while (at + 8 <= data.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(data[at..]);
            var type = data.Slice(at + 4, 4);
            var next = at + 12L + length;
            if (next > data.Length)
            {
                return true;
            }

            if (type.SequenceEqual("IEND"u8))
            {
                return false;
            }

            at = (int)next;
        }

        return true;
    }

    private static string? OtherImageFormat(ReadOnlySpan<byte> d)
    {
        // ISO base media file (HEIF family): size(4) 'ftyp' brand(4).
        if (d.Length >= 12 && d[4..8].SequenceEqual("ftyp"u8))
        {
            var brand = d[8..12];
            foreach (var heif in (ReadOnlySpan<string>)["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1"])
            {
                if (AsciiEquals(brand, heif))
                {
                    return "HEIC/HEIF";
                }
            }

            if (AsciiEquals(brand, "avif") || AsciiEquals(brand, "avis"))
            {
                return "AVIF";
            }

            return null; // mp4, mov, ...: not an image
        }

        if (d.StartsWith("GIF87a"u8) || d.StartsWith("GIF89a"u8))
        {
            return "GIF";
        }

        if (d.Length >= 12 && d.StartsWith("RIFF"u8) && d[8..12].SequenceEqual("WEBP"u8))
        {
            return "WebP";
        }

        if (d.StartsWith("II*\0"u8) || d.StartsWith("MM\0*"u8))
        {
            return "TIFF";
        }

        if (d.Length >= 14 && d.StartsWith("BM"u8))
        {
            return "BMP";
        }

        if (d.StartsWith(Jp2) || d.StartsWith(J2kCodestream))
        {
            return "JPEG 2000";
        }

        if (d.StartsWith(JxlCodestream) || d.StartsWith(JxlContainer))
        {
            return "JPEG XL";
        }

        return null;
    }

    private static bool AsciiEquals(ReadOnlySpan<byte> bytes, string text)
    {
        if (bytes.Length != text.Length)
        {
            return false;
        }

        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != text[i])
            {
                return false;
            }
        }

        return true;
    }
}
