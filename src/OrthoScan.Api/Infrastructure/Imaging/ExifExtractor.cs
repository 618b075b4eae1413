using System.Globalization;
using System.Text;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.IO;
using MdDirectory = MetadataExtractor.Directory;

namespace OrthoScan.Api.Infrastructure.Imaging;

/// <summary>
/// Reads the few EXIF fields we keep from the EXIF block alone, as <see cref="ImageContainer"/> found and measured it:
/// no file reader of MetadataExtractor runs (its PNG reader would inflate every text and ICC chunk without a limit).
/// Only IFD0 and the Exif sub-IFD are looked at: the GPS directory is never read into anything we return.
/// Metadata is optional: unreadable EXIF gives an empty summary, never a rejection.
/// </summary>
internal static class ExifExtractor
{
    private const int MaxTextLength = 64;

    // EXIF 2.31 OffsetTimeOriginal / OffsetTimeDigitized / OffsetTime ("+02:00").
    private const int TagOffsetTime = 0x9010;
    private const int TagOffsetTimeOriginal = 0x9011;
    private const int TagOffsetTimeDigitized = 0x9012;

    /// <param name="tiff">The EXIF block (TIFF data, without JPEG's "Exif" preamble), or null when the file has none.</param>
    public static ExifSummary Read(byte[]? tiff, int width, int height)
    {
        if (tiff is null) return new ExifSummary(null, null, null, width, height, null);

        IReadOnlyList<MdDirectory> directories;
        try
        {
            directories = new ExifReader().Extract(new ByteArrayReader(tiff));
        }
#pragma warning disable CA1031 // Any failure of the metadata parser only means: no metadata.
        catch (Exception)
#pragma warning restore CA1031
        {
            return new ExifSummary(null, null, null, width, height, null);
        }

        var ifd0 = directories.OfType<ExifIfd0Directory>().FirstOrDefault();
        var sub = directories.OfType<ExifSubIfdDirectory>().FirstOrDefault();

        int? orientation = ifd0 is not null && ifd0.TryGetInt32(ExifDirectoryBase.TagOrientation, out var o) && o is >= 1 and <= 8
            ? o
            : null;

        var captured = DateTag(sub, ExifDirectoryBase.TagDateTimeOriginal, TagOffsetTimeOriginal)
            ?? DateTag(sub, ExifDirectoryBase.TagDateTimeDigitized, TagOffsetTimeDigitized)
            ?? DateTag(ifd0, ExifDirectoryBase.TagDateTime, TagOffsetTime, sub);

        return new ExifSummary(
            captured,
            Clean(ifd0?.GetString(ExifDirectoryBase.TagMake)),
            Clean(ifd0?.GetString(ExifDirectoryBase.TagModel)),
            width,
            height,
            orientation);
    }

    private static DateTime? DateTag(MdDirectory? dir, int tag, int offsetTag, MdDirectory? offsetDir = null)
    {
        var text = dir?.GetString(tag)?.Trim().TrimEnd('\0');
        if (string.IsNullOrEmpty(text) ||
            !DateTime.TryParseExact(text, "yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local) ||
            local.Year < 1990 || local.Year > 2100)
        {
            return null;
        }

        var offsetText = (offsetDir ?? dir)?.GetString(offsetTag)?.Trim().TrimEnd('\0');
        if (!string.IsNullOrEmpty(offsetText) &&
            TimeSpan.TryParseExact(offsetText.TrimStart('+', '-'), @"hh\:mm", CultureInfo.InvariantCulture, out var offset) &&
            offset <= TimeSpan.FromHours(14))
        {
            var signed = offsetText.StartsWith('-') ? -offset : offset;
            return DateTime.SpecifyKind(local - signed, DateTimeKind.Utc);
        }

        return DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
    }

    private static string? Clean(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var sb = new StringBuilder(Math.Min(value.Length, MaxTextLength));
        foreach (var c in value)
        {
            if (!char.IsControl(c))
            {
                sb.Append(c);
            }
        }

        var cleaned = sb.ToString().Trim();
        if (cleaned.Length > MaxTextLength)
        {
            cleaned = cleaned[..MaxTextLength].TrimEnd();
        }

        return cleaned.Length == 0 ? null : cleaned;
    }
}
