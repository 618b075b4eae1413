namespace OrthoScan.Ml.Datasets;

/// <summary>Tab-separated lines kept in a local temporary file instead of memory (one per patient or image), read
/// back once when the manifest is written.</summary>
internal sealed class LineSpool : IDisposable
{
    private readonly string path;
    private readonly StreamWriter writer;

    public LineSpool(string directory)
    {
        path = Path.Combine(directory, Path.GetRandomFileName());
        writer = new StreamWriter(path, append: false);
    }

    public void Add(params string[] fields) => writer.WriteLine(string.Join('\t', fields));

    public IEnumerable<string[]> Read()
    {
        writer.Flush();
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        while (reader.ReadLine() is { } line) yield return line.Split('\t');
    }

    public void Dispose()
    {
        writer.Dispose();
        File.Delete(path);
    }
}
