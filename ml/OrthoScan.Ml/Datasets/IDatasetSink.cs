namespace OrthoScan.Ml.Datasets;

/// <summary>
/// Where a dataset's files go, one whole file at a time (a ZIP stream can only take one entry after the other).
/// Paths are relative with forward slashes. Dispose to finish the target (a ZIP writes its directory then).
/// </summary>
public interface IDatasetSink : IAsyncDisposable
{
    Task AddAsync(string path, ReadOnlyMemory<byte> content, CancellationToken ct);

    /// <summary>Adds the content of a local file the writer spooled; the sink may move it, the writer no longer needs it.</summary>
    Task AddFileAsync(string path, string localFile, CancellationToken ct);
}
