using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace OrthoScan.Api.Infrastructure.Imaging;

/// <summary>What <see cref="ImageContainer.Read"/> found in a file's structure, before any decoder has seen it.</summary>
/// <param name="Width">Pixel width from IHDR or SOF.</param>
/// <param name="Height">Pixel height from IHDR or SOF.</param>
/// <param name="Bands">Bands a decoder produces (alpha included; a palette counts as RGB, or RGBA with tRNS).</param>
/// <param name="BytesPerSample">1, or 2 for 16-bit PNG and 12/16-bit JPEG.</param>
/// <param name="Exif">The EXIF block (TIFF data: JPEG APP1 "Exif" payload or PNG eXIf), when there is one.</param>
internal sealed record ContainerHeader(int Width, int Height, int Bands, int BytesPerSample, byte[]? Exif)
{
    public long Pixels => (long)Width * Height;

    /// <summary>Bytes the whole image takes once decoded (what a decoder that held it all would need).</summary>
    public long DecodedBytes => Pixels * Bands * BytesPerSample;
}

/// <summary>
/// Walks a PNG's chunks or a JPEG's markers with bounded work, before any metadata reader or decoder runs: at most
/// <see cref="ImageLimits.MaxSegments"/> chunks or markers (<c>too_many_markers</c>), and every metadata block
/// (PNG zTXt, iTXt, iCCP, tEXt, eXIf; JPEG EXIF, XMP, ICC and the other APPn and COM segments) measured at its
/// decompressed size, inflating with a hard output limit, against <see cref="ImageLimits.MaxMetadataBytes"/> per
/// block and <see cref="ImageLimits.MaxMetadataTotalBytes"/> per file (<c>metadata_too_large</c>). A file that
/// passes holds nothing a reader could inflate beyond those limits.
/// </summary>
/// <remarks>
/// PNG IDAT chunks and JPEG entropy-coded data (with its RST markers) are not counted: they are the pixels, and the
/// work of skipping them is bounded by the file's size. The image data itself is left to the decoder, after the
/// pixel and decoded-size checks in <see cref="ImageProcessor"/>.
/// </remarks>
internal static class ImageContainer
{
    private static ReadOnlySpan<byte> ExifPreamble => "Exif\0\0"u8;
    private static ReadOnlySpan<byte> XmpPreamble => "http://ns.adobe.com/xap/1.0/\0"u8;
    private static ReadOnlySpan<byte> ExtendedXmpPreamble => "http://ns.adobe.com/xmp/extension/\0"u8;
    private static ReadOnlySpan<byte> IccPreamble => "ICC_PROFILE\0"u8;

    public static ContainerHeader Read(byte[] data, SniffedFormat format, ImageLimits limits) =>
        format == SniffedFormat.Png ? ReadPng(data, limits) : ReadJpeg(data, limits);

    private static ContainerHeader ReadPng(byte[] data, ImageLimits limits)
    {
        var metadata = new MetadataBudget(limits);
        var segments = new SegmentBudget(limits);
        int width = 0, height = 0, bands = 0, bytesPerSample = 0;
        var hasTransparency = false;
        byte[]? exif = null;

        for (var at = 8L; ; )
        {
            if (at + 8 > data.Length) throw Truncated();
            var length = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan((int)at));
            var type = data.AsSpan((int)at + 4, 4);
            if (length > int.MaxValue || !IsChunkType(type)) throw Damaged("a PNG chunk header is invalid");
            var start = (int)at + 8;
            var end = at + 12 + length;
            if (end > data.Length) throw Truncated();
            var chunk = data.AsSpan(start, (int)length);

            if (width == 0 && !type.SequenceEqual("IHDR"u8)) throw Damaged("the PNG does not start with IHDR");
            if (!type.SequenceEqual("IDAT"u8)) segments.Count();

            if (type.SequenceEqual("IHDR"u8))
            {
                if (width != 0 || length != 13) throw Damaged("the PNG's IHDR is invalid");
                width = CheckedDimension(BinaryPrimitives.ReadUInt32BigEndian(chunk));
                height = CheckedDimension(BinaryPrimitives.ReadUInt32BigEndian(chunk[4..]));
                bytesPerSample = chunk[8] == 16 ? 2 : 1;
                bands = chunk[9] switch
                {
                    0 => 1, // grey
                    2 or 3 => 3, // RGB, palette (decoded as RGB)
                    4 => 2, // grey + alpha
                    6 => 4, // RGBA
                    _ => throw Damaged("the PNG's colour type is invalid"),
                };
            }
            else if (type.SequenceEqual("IEND"u8))
            {
                break;
            }
            else if (type.SequenceEqual("tRNS"u8))
            {
                hasTransparency = true;
            }
            else if (type.SequenceEqual("zTXt"u8) || type.SequenceEqual("iCCP"u8))
            {
                // keyword NUL, compression method, zlib data
                var nul = chunk.IndexOf((byte)0);
                metadata.Add(nul < 0 || nul + 2 > chunk.Length ? chunk.Length : InflatedLength(data, start + nul + 2, chunk.Length - nul - 2, metadata.Room));
            }
            else if (type.SequenceEqual("iTXt"u8))
            {
                metadata.Add(ItxtLength(data, start, chunk, metadata.Room));
            }
            else if (type.SequenceEqual("tEXt"u8))
            {
                metadata.Add(chunk.Length);
            }
            else if (type.SequenceEqual("eXIf"u8))
            {
                metadata.Add(chunk.Length);
                exif ??= (chunk.StartsWith(ExifPreamble) ? chunk[ExifPreamble.Length..] : chunk).ToArray(); // some writers keep JPEG's preamble
            }

            at = end;
        }

        if (hasTransparency && bands is 1 or 3) bands++;
        return new ContainerHeader(width, height, bands, bytesPerSample, exif);
    }

    /// <summary>iTXt: keyword NUL, compression flag, method, language NUL, translated keyword NUL, text (zlib when flagged).</summary>
    private static long ItxtLength(byte[] data, int start, ReadOnlySpan<byte> chunk, long room)
    {
        var keyword = chunk.IndexOf((byte)0);
        if (keyword < 0 || keyword + 3 > chunk.Length) return chunk.Length;
        var compressed = chunk[keyword + 1] != 0;
        var rest = keyword + 3;
        var language = chunk[rest..].IndexOf((byte)0);
        if (language < 0) return chunk.Length;
        rest += language + 1;
        var translated = chunk[rest..].IndexOf((byte)0);
        if (translated < 0) return chunk.Length;
        rest += translated + 1;
        return compressed ? InflatedLength(data, start + rest, chunk.Length - rest, room) : chunk.Length - rest;
    }

    private static ContainerHeader ReadJpeg(byte[] data, ImageLimits limits)
    {
        var metadata = new MetadataBudget(limits);
        var segments = new SegmentBudget(limits);
        long xmp = 0, icc = 0;
        var scans = 0;
        ContainerHeader? frame = null;
        byte[]? exif = null;

        for (var at = 2; ; )
        {
            // Fill bytes (FF FF ...) may precede a marker; libjpeg skips stray bytes between segments, so do we.
            var next = data.AsSpan(at).IndexOf((byte)0xFF);
            if (next < 0) break;
            at += next;
            while (at < data.Length && data[at] == 0xFF) at++;
            if (at >= data.Length) break;
            var marker = data[at++];
            if (marker == 0x00 || marker is >= 0xD0 and <= 0xD7) continue; // stuffed byte or RSTn: pixel data
            segments.Count();
            if (marker == 0xD9) break; // EOI: whatever follows (an MPF second image, padding) is not decoded
            if (marker is 0x01 or 0xD8) continue; // no length

            if (at + 2 > data.Length) throw Truncated();
            var length = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(at));
            if (length < 2) throw Damaged("a JPEG segment length is invalid");
            if (at + length > data.Length) throw Truncated();
            var payload = data.AsSpan(at + 2, length - 2);
            at += length;

            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                // SOFn: precision, height, width, components
                if (payload.Length < 6) throw Damaged("a JPEG frame header is invalid");
                var height = BinaryPrimitives.ReadUInt16BigEndian(payload[1..]);
                var width = BinaryPrimitives.ReadUInt16BigEndian(payload[3..]);
                if (width == 0 || height == 0 || payload[5] == 0) throw Damaged("a JPEG frame has no size");
                if (frame is not null) throw Damaged("the JPEG has two frame headers"); // libjpeg refuses it too
                frame = new ContainerHeader(width, height, payload[5], payload[0] > 8 ? 2 : 1, null);
            }
            else if (marker == 0xDA)
            {
                if (++scans > limits.MaxScans) throw TooManyMarkers($"more than {limits.MaxScans} scans");
            }
            else if (marker is >= 0xE0 and <= 0xEF or 0xFE)
            {
                metadata.Add(payload.Length);
                if (marker == 0xE1 && payload.StartsWith(ExifPreamble))
                {
                    exif ??= payload[ExifPreamble.Length..].ToArray();
                }
                else if (marker == 0xE1 && (payload.StartsWith(XmpPreamble) || payload.StartsWith(ExtendedXmpPreamble)))
                {
                    metadata.CheckBlock(xmp += payload.Length);
                }
                else if (marker == 0xE2 && payload.StartsWith(IccPreamble))
                {
                    metadata.CheckBlock(icc += payload.Length);
                }
            }
        }

        if (frame is null) throw Truncated();
        return frame with { Exif = exif };
    }

    /// <summary>
    /// Bytes the zlib stream at data[offset..offset+count] inflates to, reading at most <paramref name="room"/> + 1 of
    /// them: past that the caller refuses the file anyway, so it is not worth inflating further. A stream that is
    /// damaged counts what it gave before the damage (a decoder stops there too).
    /// </summary>
    private static long InflatedLength(byte[] data, int offset, int count, long room)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        long total = 0;
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(data, offset, count, writable: false), CompressionMode.Decompress);
            int read;
            while (total <= room && (read = zlib.Read(buffer, 0, (int)Math.Min(buffer.Length, room + 1 - total))) > 0)
            {
                total += read;
            }
        }
        catch (InvalidDataException)
        {
            // Damaged: what came out before the damage is what any reader could get.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return total;
    }

    private static bool IsChunkType(ReadOnlySpan<byte> type)
    {
        foreach (var b in type)
        {
            if (b is not (>= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z')) return false;
        }

        return true;
    }

    private static int CheckedDimension(uint value) =>
        value is 0 or > int.MaxValue ? throw Damaged("the PNG has no valid size") : (int)value;

    private static ImageRejectedException Truncated() =>
        new(ImageRejectionReasons.Truncated, "The image data ends too early (incomplete upload).");

    private static ImageRejectedException Damaged(string what) =>
        new(ImageRejectionReasons.NotAnImage, $"The image data is damaged: {what}.");

    private static ImageRejectedException TooManyMarkers(string what) =>
        new(ImageRejectionReasons.TooManyMarkers, $"The file's structure is not a camera's: {what}.");

    /// <summary>Chunks or markers seen so far, refused past the limit.</summary>
    private sealed class SegmentBudget(ImageLimits limits)
    {
        private int seen;

        public void Count()
        {
            if (++seen > limits.MaxSegments) throw TooManyMarkers($"more than {limits.MaxSegments:N0} chunks or markers");
        }
    }

    /// <summary>Decompressed metadata bytes seen so far, per block and per file.</summary>
    private sealed class MetadataBudget(ImageLimits limits)
    {
        private long total;

        /// <summary>What the next block may still inflate to before the file is refused.</summary>
        public long Room => Math.Min(limits.MaxMetadataBytes, limits.MaxMetadataTotalBytes - total);

        public void Add(long blockBytes)
        {
            CheckBlock(blockBytes);
            total += blockBytes;
            if (total > limits.MaxMetadataTotalBytes)
            {
                throw new ImageRejectedException(
                    ImageRejectionReasons.MetadataTooLarge,
                    $"The file carries more than {limits.MaxMetadataTotalBytes:N0} bytes of metadata; a camera photo carries far less.");
            }
        }

        public void CheckBlock(long blockBytes)
        {
            if (blockBytes > limits.MaxMetadataBytes)
            {
                throw new ImageRejectedException(
                    ImageRejectionReasons.MetadataTooLarge,
                    $"A metadata block of the file is larger than {limits.MaxMetadataBytes:N0} bytes once decompressed.");
            }
        }
    }
}
