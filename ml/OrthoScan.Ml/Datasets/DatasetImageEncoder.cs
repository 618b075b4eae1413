using NetVips;

namespace OrthoScan.Ml.Datasets;

/// <summary>
/// Re-encodes a view for a dataset: decoded from the given JPEG or PNG bytes and saved as a fresh 8-bit sRGB JPEG
/// that keeps no metadata at all (no EXIF, XMP, IPTC, ICC profile or comment), so nothing the source carried beyond
/// its pixels can reach the dataset, even if a derivative was not as clean as it should be.
/// </summary>
internal static class DatasetImageEncoder
{
    private const int JpegQuality = 90;

    public static byte[] Reencode(ReadOnlyMemory<byte> source)
    {
        if (!ModuleInitializer.VipsInitialized) throw new InvalidOperationException("libvips could not be loaded.", ModuleInitializer.Exception);

        var bytes = source.ToArray();
        using var loaded = IsJpeg(bytes) ? Image.JpegloadBuffer(bytes, failOn: Enums.FailOn.Error)
            : IsPng(bytes) ? Image.PngloadBuffer(bytes, failOn: Enums.FailOn.Error)
            : throw new InvalidDataException("A dataset image must be a JPEG or a PNG.");
        using var upright = loaded.Autorot();
        using var flat = upright.HasAlpha() ? upright.Flatten(background: [255.0]) : upright.Copy();
        using var srgb = flat.Interpretation is Enums.Interpretation.Srgb or Enums.Interpretation.Bw ? flat.Copy() : flat.Colourspace(Enums.Interpretation.Srgb);
        using var eight = srgb.Format == Enums.BandFormat.Uchar ? srgb.Copy() : srgb.Cast(Enums.BandFormat.Uchar);
        return eight.JpegsaveBuffer(q: JpegQuality, keep: Enums.ForeignKeep.None);
    }

    private static bool IsJpeg(byte[] b) => b.Length > 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF;

    private static bool IsPng(byte[] b) => b.Length > 8 && b[0] == 0x89 && b[1] == 0x50 && b[2] == 0x4E && b[3] == 0x47;
}
