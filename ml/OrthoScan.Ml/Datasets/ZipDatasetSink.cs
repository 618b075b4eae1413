using System.IO.Compression;

namespace OrthoScan.Ml.Datasets;

/// <summary>
/// Writes a dataset as one ZIP into a stream, which need not be seekable (an upload stream will do): entries are
/// written one after the other and nothing is held back but the ZIP's directory. JPEGs are stored as they are (they
/// do not compress); text is deflated.
/// </summary>
public sealed class ZipDatasetSink : IDatasetSink
{
    private readonly ZipArchive archive;

    public ZipDatasetSink(Stream output, bool leaveOpen = false) =>
        archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen);

    public async Task AddAsync(string path, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        await using var entry = await Open(path).OpenAsync(ct);
        await entry.WriteAsync(content, ct);
    }

    public async Task AddFileAsync(string path, string localFile, CancellationToken ct)
    {
        await using (var source = new FileStream(localFile, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true))
        await using (var entry = await Open(path).OpenAsync(ct))
        {
            await source.CopyToAsync(entry, ct);
        }

        File.Delete(localFile);
    }

    public ValueTask DisposeAsync() => archive.DisposeAsync();

    // Entry times say when the export ran, nothing about patients; a fixed one keeps even that out of the file.
    private static readonly DateTimeOffset EntryTime = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private ZipArchiveEntry Open(string path)
    {
        var entry = archive.CreateEntry(path,
            path.EndsWith(".jpg", StringComparison.Ordinal) ? CompressionLevel.NoCompression : CompressionLevel.Fastest);
        entry.LastWriteTime = EntryTime;
        return entry;
    }
}
