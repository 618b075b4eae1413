namespace OrthoScan.Ml.Datasets;

/// <summary>Writes a dataset into a directory (created when missing), the layout a ZIP of it unpacks to.</summary>
public sealed class DirectoryDatasetSink(string root) : IDatasetSink
{
    public async Task AddAsync(string path, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        await using var file = new FileStream(Target(path), FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true);
        await file.WriteAsync(content, ct);
    }

    public Task AddFileAsync(string path, string localFile, CancellationToken ct)
    {
        File.Move(localFile, Target(path));
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private string Target(string path)
    {
        var full = Path.GetFullPath(Path.Combine(root, path));
        var rootFull = Path.GetFullPath(root) + Path.DirectorySeparatorChar;
        if (!full.StartsWith(rootFull, StringComparison.Ordinal)) throw new ArgumentException($"'{path}' is outside the dataset.", nameof(path));
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return full;
    }
}
