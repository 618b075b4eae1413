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
    public static byte[] PngBomb(int width, int height)
    {
        using var ms = new MemoryStream();
        ms.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);

        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)height);
        ihdr[8] = 8;  // bit depth
        ihdr[9] = 0;  // greyscale
        WriteChunk(ms, "IHDR", ihdr);

        // A few rows of zeros (filter byte + pixels), compressed: tiny on disk.
        using var z = new MemoryStream();
        using (var zlib = new ZLibStream(z, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[width + 1];
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
    public static byte[] PngWithExif(byte[] png, byte[] tiff)
    {
        const int afterIhdr = 8 + 4 + 4 + 13 + 4;
        using var chunk = new MemoryStream();
        WriteChunk(chunk, "eXIf", tiff);
        return [.. png.AsSpan(0, afterIhdr), .. chunk.ToArray(), .. png.AsSpan(afterIhdr)];
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
