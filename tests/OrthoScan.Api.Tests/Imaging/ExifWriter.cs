using System.Buffers.Binary;
using System.Text;

namespace OrthoScan.Api.Tests.Imaging;

/// <summary>
/// Hand-built EXIF (little-endian TIFF) with IFD0, an Exif sub-IFD and a GPS IFD, to plant in test uploads:
/// the processor must read the harmless fields and drop everything, GPS above all, from what it writes.
/// </summary>
public sealed record ExifWriter(
    string? Make = "TestCam",
    string? Model = "Phone 12",
    int? Orientation = null,
    string? DateTimeOriginal = "2026:03:14 09:26:53",
    string? OffsetTimeOriginal = null,
    bool Gps = true)
{
    private const ushort Byte = 1, Ascii = 2, Short = 3, Long = 4, Rational = 5;

    /// <summary>The TIFF structure (what a PNG eXIf chunk holds).</summary>
    public byte[] Tiff()
    {
        var ifd0 = new List<Entry>();
        if (Make is not null) ifd0.Add(AsciiEntry(0x010F, Make));
        if (Model is not null) ifd0.Add(AsciiEntry(0x0110, Model));
        if (Orientation is { } o) ifd0.Add(new Entry(0x0112, Short, 1, U16(o)));
        var exifPointer = new Entry(0x8769, Long, 1, new byte[4]);
        var gpsPointer = new Entry(0x8825, Long, 1, new byte[4]);
        ifd0.Add(exifPointer);
        if (Gps) ifd0.Add(gpsPointer);

        var exif = new List<Entry>();
        if (DateTimeOriginal is not null) exif.Add(AsciiEntry(0x9003, DateTimeOriginal));
        if (OffsetTimeOriginal is not null) exif.Add(AsciiEntry(0x9011, OffsetTimeOriginal));

        var gps = new List<Entry>
        {
            new(0x0000, Byte, 4, [2, 3, 0, 0]),
            AsciiEntry(0x0001, "N"),
            new(0x0002, Rational, 3, Rationals((48, 1), (51, 1), (2959, 100))),
            AsciiEntry(0x0003, "E"),
            new(0x0004, Rational, 3, Rationals((2, 1), (17, 1), (4011, 100))),
        };

        // Layout: header(8) | IFD0 + data | Exif IFD + data | GPS IFD + data.
        var ifd0Offset = 8;
        var exifOffset = ifd0Offset + Size(ifd0);
        var gpsOffset = exifOffset + Size(exif);
        BinaryPrimitives.WriteUInt32LittleEndian(exifPointer.Value, (uint)exifOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(gpsPointer.Value, (uint)gpsOffset);

        using var ms = new MemoryStream();
        ms.Write("II"u8);
        ms.Write(U16(42));
        ms.Write(U32(ifd0Offset));
        WriteIfd(ms, ifd0, ifd0Offset);
        WriteIfd(ms, exif, exifOffset);
        if (Gps) WriteIfd(ms, gps, gpsOffset);
        return ms.ToArray();
    }

    /// <summary>A JPEG APP1 segment: FF E1, length, "Exif\0\0", TIFF.</summary>
    public byte[] App1()
    {
        var tiff = Tiff();
        var segment = new byte[4 + 6 + tiff.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(2 + 6 + tiff.Length));
        "Exif\0\0"u8.CopyTo(segment.AsSpan(4));
        tiff.CopyTo(segment, 10);
        return segment;
    }

    /// <summary>The JPEG with this EXIF inserted after SOI and any APP0 (JFIF).</summary>
    public byte[] Into(byte[] jpeg)
    {
        var at = 2;
        if (jpeg[2] == 0xFF && jpeg[3] == 0xE0) at = 4 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(4));
        return [.. jpeg.AsSpan(0, at), .. App1(), .. jpeg.AsSpan(at)];
    }

    private sealed record Entry(ushort Tag, ushort Type, int Count, byte[] Value);

    private static Entry AsciiEntry(ushort tag, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text + "\0");
        return new Entry(tag, Ascii, bytes.Length, bytes);
    }

    private static int Size(List<Entry> entries) =>
        2 + (12 * entries.Count) + 4 + entries.Sum(e => e.Value.Length > 4 ? Even(e.Value.Length) : 0);

    private static int Even(int n) => n + (n & 1);

    private static void WriteIfd(MemoryStream ms, List<Entry> entries, int offset)
    {
        entries.Sort((a, b) => a.Tag.CompareTo(b.Tag));
        var data = offset + 2 + (12 * entries.Count) + 4;
        ms.Write(U16(entries.Count));
        foreach (var e in entries)
        {
            ms.Write(U16(e.Tag));
            ms.Write(U16(e.Type));
            ms.Write(U32(e.Count));
            if (e.Value.Length <= 4)
            {
                var inline = new byte[4];
                e.Value.CopyTo(inline, 0);
                ms.Write(inline);
            }
            else
            {
                ms.Write(U32(data));
                data += Even(e.Value.Length);
            }
        }

        ms.Write(U32(0));
        foreach (var e in entries.Where(e => e.Value.Length > 4))
        {
            ms.Write(e.Value);
            if ((e.Value.Length & 1) == 1) ms.WriteByte(0);
        }
    }

    private static byte[] Rationals(params (uint N, uint D)[] values)
    {
        var bytes = new byte[8 * values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8 * i), values[i].N);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((8 * i) + 4), values[i].D);
        }

        return bytes;
    }

    private static byte[] U16(int v)
    {
        var b = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)v);
        return b;
    }

    private static byte[] U32(int v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)v);
        return b;
    }
}
