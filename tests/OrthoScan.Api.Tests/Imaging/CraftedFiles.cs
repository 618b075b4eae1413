using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace OrthoScan.Api.Tests.Imaging;

/// <summary>Hostile and odd uploads, built byte by byte.</summary>
public static class CraftedFiles
{
    /// <summary>
    /// A valid, tiny PNG whose IHDR claims <paramref name="width"/> x <paramref name="height"/> (8-bit grey).
    /// The IDAT holds a few hundred bytes of zlib: decoding it would expand to width*height bytes.
    /// </summary>
    public static byte[] PngBomb(int width, int height) => PngBomb(width, height, colourType: 0, bitDepth: 8);

    /// <summary>The same with another PNG colour type (0 grey, 2 RGB, 4 grey+alpha, 6 RGBA) and bit depth (8 or 16).</summary>
    public static byte[] PngBomb(int width, int height, byte colourType, byte bitDepth)
    {
        using var ms = new MemoryStream();
        ms.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);

        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)height);
        ihdr[8] = bitDepth;
        ihdr[9] = colourType;
        WriteChunk(ms, "IHDR", ihdr);

        // A few rows of zeros (filter byte + pixels), compressed: tiny on disk.
        var bands = colourType switch { 2 => 3, 4 => 2, 6 => 4, _ => 1 };
        using var z = new MemoryStream();
        using (var zlib = new ZLibStream(z, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[1 + ((long)width * bands * bitDepth / 8)];
            for (var i = 0; i < 4; i++) zlib.Write(row);
        }

        WriteChunk(ms, "IDAT", z.ToArray());
        WriteChunk(ms, "IEND", []);
        return ms.ToArray();
    }

    /// <summary>A real (small) JPEG whose SOF header is rewritten to claim width x height.</summary>
    public static byte[] JpegBomb(byte[] smallJpeg, int width, int height)
    {
        var bytes = (byte[])smallJpeg.Clone();
        foreach (var (marker, offset) in JpegSegments(bytes))
        {
            if (marker is 0xC0 or 0xC1 or 0xC2)
            {
                // FF Cx len(2) precision(1) height(2) width(2)
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(offset + 5), (ushort)height);
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(offset + 7), (ushort)width);
                return bytes;
            }
        }

        throw new InvalidOperationException("No SOF segment found.");
    }

    /// <summary>A real zip archive (with a .jpg inside, for good measure).</summary>
    public static byte[] Zip()
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            var entry = zip.CreateEntry("photo.jpg");
            using var s = entry.Open();
            s.Write(Encoding.ASCII.GetBytes(new string('x', 4096)));
        }

        return ms.ToArray();
    }

    /// <summary>PNG with an eXIf chunk (EXIF TIFF data) inserted right after IHDR.</summary>
    public static byte[] PngWithExif(byte[] png, byte[] tiff) => PngWithChunks(png, ("eXIf", tiff));

    /// <summary>PNG with the given chunks inserted right after IHDR (where iCCP must be, and text chunks may be).</summary>
    public static byte[] PngWithChunks(byte[] png, params (string Type, byte[] Data)[] chunks)
    {
        const int afterIhdr = 8 + 4 + 4 + 13 + 4;
        using var inserted = new MemoryStream();
        foreach (var (type, data) in chunks) WriteChunk(inserted, type, data);
        return [.. png.AsSpan(0, afterIhdr), .. inserted.ToArray(), .. png.AsSpan(afterIhdr)];
    }

    /// <summary>A zTXt chunk's data: keyword, compression method 0, then <paramref name="zlib"/>.</summary>
    public static byte[] ZtxtData(byte[] zlib, string keyword = "Comment") => [.. Latin1(keyword), 0, 0, .. zlib];

    /// <summary>A compressed iTXt chunk's data: keyword, flag 1, method 0, empty language and translated keyword, then <paramref name="zlib"/>.</summary>
    public static byte[] CompressedItxtData(byte[] zlib, string keyword = "XML:com.adobe.xmp") => [.. Latin1(keyword), 0, 1, 0, 0, 0, .. zlib];

    /// <summary>An iCCP chunk's data: profile name, compression method 0, then <paramref name="zlib"/>.</summary>
    public static byte[] IccpData(byte[] zlib, string name = "ICC Profile") => [.. Latin1(name), 0, 0, .. zlib];

    private static readonly Lazy<byte[]> GibibyteOfZeros = new(() => ZlibOfZeros(1024L * 1024 * 1024));

    /// <summary>zlib stream of 1 GiB of zeros (about 1 MB), made once per test run.</summary>
    public static byte[] ZlibOfOneGibibyte => GibibyteOfZeros.Value;

    /// <summary>
    /// zlib stream of <paramref name="length"/> zero bytes: about 1/1000 of that on disk (1 GiB inflates from ~1 MB).
    /// Deterministic (same bytes every run).
    /// </summary>
    public static byte[] ZlibOfZeros(long length)
    {
        using var z = new MemoryStream();
        using (var zlib = new ZLibStream(z, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1024 * 1024];
            for (var left = length; left > 0; left -= zeros.Length) zlib.Write(zeros, 0, (int)Math.Min(zeros.Length, left));
        }

        return z.ToArray();
    }

    /// <summary>A real JPEG with <paramref name="count"/> empty comment segments (FF FE 00 02) right after SOI.</summary>
    public static byte[] JpegWithComments(byte[] jpeg, int count)
    {
        var result = new byte[jpeg.Length + (4 * count)];
        result[0] = 0xFF;
        result[1] = 0xD8;
        for (var i = 0; i < count; i++) ((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x02]).CopyTo(result.AsSpan(2 + (4 * i)));
        jpeg.AsSpan(2).CopyTo(result.AsSpan(2 + (4 * count)));
        return result;
    }

    /// <summary>A real JPEG with APP segments (each at most 65533 bytes of payload) inserted right after SOI.</summary>
    public static byte[] JpegWithSegments(byte[] jpeg, params (byte Marker, byte[] Payload)[] segments)
    {
        using var ms = new MemoryStream();
        ms.Write(jpeg, 0, 2);
        foreach (var (marker, payload) in segments)
        {
            ms.Write([0xFF, marker]);
            var length = new byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(length, checked((ushort)(payload.Length + 2)));
            ms.Write(length);
            ms.Write(payload);
        }

        ms.Write(jpeg, 2, jpeg.Length - 2);
        return ms.ToArray();
    }

    private static byte[] Latin1(string text) => Encoding.Latin1.GetBytes(text);

    /// <summary>Every marker byte of a JPEG up to EOI, entropy-coded data included (stuffed bytes and RSTn left out).</summary>
    public static IEnumerable<byte> JpegMarkers(byte[] jpeg)
    {
        for (var i = 2; i + 1 < jpeg.Length; i++)
        {
            if (jpeg[i] != 0xFF || jpeg[i + 1] is 0x00 or 0xFF or (>= 0xD0 and <= 0xD7)) continue;
            yield return jpeg[i + 1];
            if (jpeg[i + 1] == 0xD9) yield break;
            if (jpeg[i + 1] != 0xDA) i += 1 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(i + 2)); // skip the segment
        }
    }

    /// <summary>The marker segments of a JPEG, up to and including SOS: (marker byte, offset of its 0xFF).</summary>
    public static IEnumerable<(byte Marker, int Offset)> JpegSegments(byte[] jpeg)
    {
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8) throw new InvalidOperationException("Not a JPEG.");
        var i = 2;
        while (i + 4 <= jpeg.Length)
        {
            if (jpeg[i] != 0xFF) throw new InvalidOperationException($"Expected a marker at {i}.");
            var marker = jpeg[i + 1];
            if (marker == 0xFF)
            {
                i++;
                continue;
            }

            yield return (marker, i);
            if (marker == 0xDA) yield break; // SOS: entropy-coded data follows
            i += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(i + 2));
        }
    }

    private static void WriteChunk(Stream s, string type, byte[] data)
    {
        var len = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(len, (uint)data.Length);
        s.Write(len);
        var typeAndData = new byte[4 + data.Length];
        Encoding.ASCII.GetBytes(type).CopyTo(typeAndData, 0);
        data.CopyTo(typeAndData, 4);
        s.Write(typeAndData);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typeAndData));
        s.Write(crc);
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }

        return ~crc;
    }
}
