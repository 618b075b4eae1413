using System.Numerics;
using NetVips;

namespace OrthoScan.Api.Infrastructure.Imaging;

/// <summary>
/// Turns one uploaded photo into three EXIF-free JPEG derivatives, a metadata summary (never GPS), a quality
/// assessment and a perceptual hash. Pure: no database, no HTTP, no files. Thread-safe; one instance serves concurrent
/// calls, decoding at most <see cref="ImageLimits.MaxConcurrentDecodes"/> of them at a time (one per process: a singleton).
/// </summary>
/// <remarks>
/// Order of checks, cheapest and safest first: size in bytes; magic bytes (JPEG and PNG only); the container's
/// structure walked by <see cref="ImageContainer"/> (chunk and marker count, every metadata block's decompressed
/// size) before any metadata reader or decoder sees the file; the dimensions from that walk against
/// <see cref="ImageLimits.MaxPixels"/> and <see cref="ImageLimits.MaxDecodedBytes"/>; only then, at most
/// <see cref="ImageLimits.MaxConcurrentDecodes"/> at a time, is the EXIF block read and are pixels decoded, with
/// libvips told to fail on truncated or corrupt data. Each derivative is made by libvips' thumbnail from the upload
/// buffer (shrink-on-load for JPEG, sequential streaming, EXIF auto-rotation), so memory stays bounded by a few strips
/// of the original plus the outputs.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification =
    "The decode gate is a SemaphoreSlim whose wait handle is never asked for: it holds no OS resource to release.")]
public sealed class ImageProcessor
{
    public const string JpegContentType = "image/jpeg";

    private const int JpegQuality = 85;

    // libvips 8.18's thumbnail does not hand its own fail_on argument to the loader (a truncated JPEG comes back as
    // a grey-padded thumbnail); load options given as an option string do reach it. See ImageProcessorTests.
    private const string StrictLoad = "[fail_on=error]";

    private readonly ImageLimits limits;
    private readonly QualityOptions quality;
    private readonly SemaphoreSlim decodes;

    public ImageLimits Limits => limits;

    static ImageProcessor() => VipsRuntime.EnsureConfigured();

    /// <param name="limits">What is refused, and how many decodes run at once.</param>
    /// <param name="quality">The hard quality problems' thresholds (the defaults when null).</param>
    public ImageProcessor(ImageLimits limits, QualityOptions? quality = null)
    {
        ArgumentNullException.ThrowIfNull(limits);
        quality ??= new QualityOptions();
        if (!quality.IsValid()) throw new ArgumentException($"Invalid quality thresholds: {QualityOptions.Rules}.", nameof(quality));
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxPixels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.ThumbnailMaxEdge, 16);
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.DisplayMaxEdge, limits.ThumbnailMaxEdge);
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.FullMaxEdge, limits.DisplayMaxEdge);
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxDecodedBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxMetadataBytes, 64 * 1024); // a camera's EXIF must fit
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxMetadataTotalBytes, limits.MaxMetadataBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxSegments, 16);
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxScans, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxConcurrentDecodes, 1);
        this.limits = limits;
        this.quality = quality;
        decodes = new SemaphoreSlim(limits.MaxConcurrentDecodes, limits.MaxConcurrentDecodes);
    }

    /// <summary>Number of differing bits between two perceptual hashes (0 = same picture; ~32 = unrelated).</summary>
    public static int HammingDistance(ulong a, ulong b) => BitOperations.PopCount(a ^ b);

    /// <inheritdoc cref="Process(byte[])"/>
    public ProcessedImage Process(ReadOnlySpan<byte> data)
    {
        // Refuse before copying anything.
        CheckSize(data.Length);
        ImageFormatSniffer.Detect(data);
        return Process(data.ToArray());
    }

    /// <summary>Checks, decodes and derives one upload.</summary>
    /// <exception cref="ImageRejectedException">The upload is not an acceptable image; see its Reason.</exception>
    public ProcessedImage Process(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckSize(data.LongLength);
        var format = ImageFormatSniffer.Detect(data);
        var container = ImageContainer.Read(data, format, limits);
        CheckDimensions(container);

        decodes.Wait();
        try
        {
            return Decode(data, format, container);
        }
        finally
        {
            decodes.Release();
        }
    }

    private ProcessedImage Decode(byte[] data, SniffedFormat format, ContainerHeader container)
    {
        var (width, height, orientation, hasIccProfile) = ReadHeader(data, format);
        if (width != container.Width || height != container.Height)
        {
            throw new ImageRejectedException(ImageRejectionReasons.NotAnImage, "The image data is damaged: its header disagrees with itself.");
        }

        var exif = ExifExtractor.Read(container.Exif, width, height);
        var (uprightWidth, uprightHeight) = orientation is >= 5 and <= 8 ? (height, width) : (width, height);

        try
        {
            byte[] full;
            using (var fullImage = Thumbnail(data, limits.FullMaxEdge, hasIccProfile))
            {
                full = Encode(fullImage);
            }

            using var displayLoaded = Thumbnail(data, limits.DisplayMaxEdge, hasIccProfile);
            using var display = Normalise(displayLoaded, copyToMemory: true);
            var displayBytes = Encode(display);

            using var thumbnail = display.ThumbnailImage(
                limits.ThumbnailMaxEdge, height: limits.ThumbnailMaxEdge, size: Enums.Size.Down);
            var thumbnailBytes = Encode(thumbnail);

            using var greyDisplay = display.Colourspace(Enums.Interpretation.Bw);
            using var grey = greyDisplay.ThumbnailImage(
                QualityAnalyzer.AnalysisMaxEdge, height: QualityAnalyzer.AnalysisMaxEdge, size: Enums.Size.Down);
            using var greyMemory = grey.CopyMemory();
            var assessment = QualityAnalyzer.Assess(greyMemory, Math.Min(uprightWidth, uprightHeight), quality);
            var hash = PerceptualHash.Compute(greyMemory);

            return new ProcessedImage(
                full, displayBytes, thumbnailBytes, JpegContentType, uprightWidth, uprightHeight, exif, assessment, hash);
        }
        catch (VipsException e)
        {
            throw Classify(e, data, format);
        }
    }

    private void CheckSize(long length)
    {
        if (length > limits.MaxBytes)
        {
            throw new ImageRejectedException(
                ImageRejectionReasons.TooLarge, $"The file is {length:N0} bytes; at most {limits.MaxBytes:N0} are accepted.");
        }
    }

    /// <summary>From the container's header alone: what decoding it would take, refused before any decoder runs.</summary>
    private void CheckDimensions(ContainerHeader header)
    {
        if (header.Pixels > limits.MaxPixels)
        {
            throw new ImageRejectedException(
                ImageRejectionReasons.TooManyPixels,
                $"The image is {header.Width}x{header.Height} ({header.Pixels:N0} pixels); at most {limits.MaxPixels:N0} pixels are accepted.");
        }

        if (header.DecodedBytes > limits.MaxDecodedBytes)
        {
            throw new ImageRejectedException(
                ImageRejectionReasons.DecodedTooLarge,
                $"The image would take {header.DecodedBytes:N0} bytes decoded ({header.Width}x{header.Height}, {header.Bands} bands of " +
                $"{header.BytesPerSample * 8} bits); at most {limits.MaxDecodedBytes:N0} are accepted.");
        }
    }

    /// <summary>Dimensions and orientation from the header only: no pixel is decoded here.</summary>
    private static (int Width, int Height, int Orientation, bool HasIccProfile) ReadHeader(byte[] data, SniffedFormat format)
    {
        try
        {
            using var header = format == SniffedFormat.Jpeg
                ? Image.JpegloadBuffer(data, access: Enums.Access.Sequential, failOn: Enums.FailOn.Error)
                : Image.PngloadBuffer(data, access: Enums.Access.Sequential, failOn: Enums.FailOn.Error);

            var orientation = header.Contains("orientation") && header.Get("orientation") is int o ? o : 1;
            return (header.Width, header.Height, orientation, header.Contains("icc-profile-data"));
        }
        catch (VipsException e)
        {
            throw Classify(e, data, format);
        }
    }

    /// <summary>
    /// Upright (EXIF auto-rotation), longest edge at most <paramref name="maxEdge"/>, never upscaled. A photo that
    /// carries an ICC profile (iPhones tag Display P3) is converted to sRGB, since the profile itself is stripped
    /// from the derivatives. Untagged photos are taken as sRGB and not transformed: asking libvips for an sRGB
    /// output profile on those costs a full colour transform (about 7x the time of the thumbnail itself).
    /// </summary>
    private static Image Thumbnail(byte[] data, int maxEdge, bool hasIccProfile) => hasIccProfile
        ? Image.ThumbnailBuffer(data, maxEdge, StrictLoad, height: maxEdge, size: Enums.Size.Down, outputProfile: "srgb")
        : Image.ThumbnailBuffer(data, maxEdge, StrictLoad, height: maxEdge, size: Enums.Size.Down);

    /// <summary>8-bit sRGB or greyscale, alpha flattened onto white: what a JPEG can hold.</summary>
    private static Image Normalise(Image image, bool copyToMemory)
    {
        var owned = new List<Image>(3);
        try
        {
            var x = image;
            if (x.HasAlpha())
            {
                x = Own(owned, x.Flatten(background: Enumerable.Repeat(255.0, x.Bands - 1).ToArray()));
            }

            var grey = x.Interpretation is Enums.Interpretation.Bw or Enums.Interpretation.Grey16 || x.Bands == 1;
            var target = grey ? Enums.Interpretation.Bw : Enums.Interpretation.Srgb;
            if (x.Interpretation != target || x.Format != Enums.BandFormat.Uchar)
            {
                x = Own(owned, x.Colourspace(target));
                if (x.Format != Enums.BandFormat.Uchar)
                {
                    x = Own(owned, x.Cast(Enums.BandFormat.Uchar));
                }
            }

            return copyToMemory ? x.CopyMemory() : x.Copy();
        }
        finally
        {
            foreach (var o in owned)
            {
                o.Dispose();
            }
        }
    }

    private static Image Own(List<Image> owned, Image image)
    {
        owned.Add(image);
        return image;
    }

    private static byte[] Encode(Image image)
    {
        using var saveable = Normalise(image, copyToMemory: false);
        return saveable.JpegsaveBuffer(q: JpegQuality, keep: Enums.ForeignKeep.None);
    }

    /// <summary>Names a decoder failure: <c>truncated</c> when libvips says so or the file visibly stops early,
    /// else <c>not_an_image</c> (damaged data behind a valid signature).</summary>
    private static ImageRejectedException Classify(VipsException e, byte[] data, SniffedFormat format)
    {
        var message = e.Message;
        string[] truncation = ["premature end", "truncated", "not enough data", "unexpected end", "out of data", "end of file"];
        return truncation.Any(t => message.Contains(t, StringComparison.OrdinalIgnoreCase)) ||
               ImageFormatSniffer.LooksTruncated(data, format)
            ? new ImageRejectedException(ImageRejectionReasons.Truncated, "The image data ends too early (incomplete upload).")
            : new ImageRejectedException(ImageRejectionReasons.NotAnImage, "The image data is damaged and cannot be decoded.");
    }
}
