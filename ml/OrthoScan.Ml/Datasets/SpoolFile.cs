using System.Security.Cryptography;

namespace OrthoScan.Ml.Datasets;

/// <summary>
/// A local temporary file a dataset file is written to before it joins the sink (a ZIP takes one entry at a time,
/// while the tag set files grow together). Counts and hashes what goes through, so the manifest needs no second read.
/// </summary>
internal sealed class SpoolFile : Stream
{
    private readonly FileStream file;
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long length;

    public SpoolFile(string directory, string datasetPath)
    {
        DatasetPath = datasetPath;
        LocalPath = System.IO.Path.Combine(directory, System.IO.Path.GetRandomFileName());
        file = new FileStream(LocalPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024);
    }

    public string DatasetPath { get; }

    public string LocalPath { get; }

    /// <summary>Flushes and closes the local file, and hands it to the sink.</summary>
    public async Task<DatasetFile> AddToAsync(IDatasetSink sink, CancellationToken ct)
    {
        await file.FlushAsync(ct);
        await file.DisposeAsync();
        var entry = new DatasetFile(DatasetPath, Convert.ToHexStringLower(hash.GetHashAndReset()), length);
        await sink.AddFileAsync(DatasetPath, LocalPath, ct);
        return entry;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        hash.AppendData(buffer);
        length += buffer.Length;
        file.Write(buffer);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        hash.AppendData(buffer.Span);
        length += buffer.Length;
        await file.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => length;
    public override long Position { get => length; set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            file.Dispose();
            hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
