namespace OrthoScan.Api.Infrastructure.Imaging;

/// <summary>Limits applied by <see cref="ImageProcessor"/> before and while decoding an upload.</summary>
/// <param name="MaxBytes">Largest accepted upload, in bytes (<c>too_large</c> above it).</param>
/// <param name="MaxPixels">Largest accepted width x height, read from the header before any pixel is decoded
/// (<c>too_many_pixels</c> above it: decompression bombs).</param>
/// <param name="FullMaxEdge">Longest edge of the full derivative (never upscaled).</param>
/// <param name="DisplayMaxEdge">Longest edge of the display derivative (never upscaled).</param>
/// <param name="ThumbnailMaxEdge">Longest edge of the thumbnail (never upscaled).</param>
/// <param name="MaxDecodedBytes">Largest width x height x bands x bytes per sample, from the header, before any pixel
/// is decoded (<c>decoded_too_large</c> above it): 50 megapixels of 8-bit RGBA, or a 16-bit image of a quarter of that.</param>
/// <param name="MaxMetadataBytes">Largest metadata block once decompressed (a PNG text chunk, the ICC profile, the
/// EXIF block, all of the XMP) (<c>metadata_too_large</c> above it). A camera's EXIF is at most 64 KiB.</param>
/// <param name="MaxMetadataTotalBytes">Largest sum of all metadata blocks of one file, decompressed (<c>metadata_too_large</c>).</param>
/// <param name="MaxSegments">Most PNG chunks (IDAT aside) or JPEG markers (RSTn aside) in one file
/// (<c>too_many_markers</c> above it). A camera JPEG has a few dozen.</param>
/// <param name="MaxScans">Most scans of a progressive JPEG (<c>too_many_markers</c> above it): each scan is another
/// pass over the whole image, so thousands of tiny scans are a CPU bomb. Encoders write about 10.</param>
/// <param name="MaxConcurrentDecodes">Uploads this processor decodes at the same time, whatever the number of callers:
/// with the memory one decode takes (see <see cref="ImagingOptions.MaxConcurrentDecodes"/>) it bounds the worker's.</param>
public sealed record ImageLimits(
    long MaxBytes = 25 * 1024 * 1024,
    long MaxPixels = 50_000_000,
    int FullMaxEdge = 3000,
    int DisplayMaxEdge = 1600,
    int ThumbnailMaxEdge = 320,
    long MaxDecodedBytes = 200_000_000,
    long MaxMetadataBytes = 2 * 1024 * 1024,
    long MaxMetadataTotalBytes = 8 * 1024 * 1024,
    int MaxSegments = 1000,
    int MaxScans = 100,
    int MaxConcurrentDecodes = 1);

/// <summary>
/// What we keep from the upload's metadata. GPS is never read into it.
/// </summary>
/// <param name="CapturedAt">EXIF DateTimeOriginal (else DateTimeDigitized, else DateTime). Camera wall-clock time:
/// <see cref="DateTimeKind.Unspecified"/>, unless the file carries an EXIF offset (OffsetTimeOriginal), in which case it
/// is converted to UTC (<see cref="DateTimeKind.Utc"/>).</param>
/// <param name="DeviceMake">EXIF Make, trimmed, control characters removed, at most 64 characters.</param>
/// <param name="DeviceModel">EXIF Model, same clean-up.</param>
/// <param name="Width">Pixel width as stored in the file (before EXIF orientation is applied), from the image header.</param>
/// <param name="Height">Pixel height as stored in the file (before EXIF orientation is applied), from the image header.</param>
/// <param name="Orientation">EXIF orientation tag (1-8) when present.</param>
public sealed record ExifSummary(
    DateTime? CapturedAt,
    string? DeviceMake,
    string? DeviceModel,
    int Width,
    int Height,
    int? Orientation);

/// <summary>Photo quality: the hard problems found, and a score that ranks photos.</summary>
/// <param name="Score">0 (unusable) to 100 (no problem found). Ranks photos; never hides a reason.</param>
/// <param name="Reasons">The hard problems (<see cref="QualityOptions"/>), each of which asks for a retake of the view by
/// itself, in this order when present: <c>blurry</c>, <c>underexposed</c>, <c>overexposed</c>, <c>too_small</c>. Empty
/// when the photo looks fine.</param>
/// <param name="Sharpness">Variance of the Laplacian of a greyscale copy scaled to at most 1024 px, with its contrast
/// normalised to a standard deviation of 50 grey levels (higher is sharper; independent of exposure).</param>
/// <param name="MeanBrightness">Mean grey level, 0-255.</param>
/// <param name="DarkPixelShare">Share (0-1) of pixels clipped dark (at or below <see cref="QualityOptions.DarkPixelLevel"/>).</param>
/// <param name="BrightPixelShare">Share (0-1) of pixels clipped bright (at or above <see cref="QualityOptions.BrightPixelLevel"/>).</param>
public sealed record QualityAssessment(
    int Score,
    IReadOnlyList<string> Reasons,
    double Sharpness,
    double MeanBrightness,
    double DarkPixelShare,
    double BrightPixelShare);

/// <summary>The result of <see cref="ImageProcessor.Process(byte[])"/>.</summary>
/// <param name="Full">JPEG, upright, longest edge at most <see cref="ImageLimits.FullMaxEdge"/>, no metadata at all.</param>
/// <param name="Display">JPEG, upright, longest edge at most <see cref="ImageLimits.DisplayMaxEdge"/>, no metadata at all.</param>
/// <param name="Thumbnail">JPEG, upright, longest edge at most <see cref="ImageLimits.ThumbnailMaxEdge"/>, no metadata at all.</param>
/// <param name="ContentType">Content type of the three derivatives: always <c>image/jpeg</c>.</param>
/// <param name="Width">Width of the original after auto-orientation (upright).</param>
/// <param name="Height">Height of the original after auto-orientation (upright).</param>
/// <param name="Exif">Metadata kept from the upload (never GPS).</param>
/// <param name="Quality">Heuristic quality score and reasons.</param>
/// <param name="PerceptualHash">64-bit DCT perceptual hash (pHash); compare with <see cref="ImageProcessor.HammingDistance"/>.</param>
public sealed record ProcessedImage(
    byte[] Full,
    byte[] Display,
    byte[] Thumbnail,
    string ContentType,
    int Width,
    int Height,
    ExifSummary Exif,
    QualityAssessment Quality,
    ulong PerceptualHash);

/// <summary>
/// The upload is refused. <see cref="Reason"/> is a stable snake_case code, one of <see cref="ImageRejectionReasons"/>.
/// </summary>
public sealed class ImageRejectedException(string reason, string message) : Exception(message)
{
    public string Reason { get; } = reason;
}

/// <summary>The rejection codes of <see cref="ImageRejectedException.Reason"/>.</summary>
public static class ImageRejectionReasons
{
    public const string NotAnImage = "not_an_image";
    public const string UnsupportedFormat = "unsupported_format";
    public const string Truncated = "truncated";
    public const string TooManyPixels = "too_many_pixels";
    public const string TooLarge = "too_large";
    public const string DecodedTooLarge = "decoded_too_large";
    public const string MetadataTooLarge = "metadata_too_large";
    public const string TooManyMarkers = "too_many_markers";
}

/// <summary>The codes of <see cref="QualityAssessment.Reasons"/>.</summary>
public static class QualityReasons
{
    public const string Blurry = "blurry";
    public const string Underexposed = "underexposed";
    public const string Overexposed = "overexposed";
    public const string TooSmall = "too_small";
}
