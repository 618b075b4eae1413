using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using CsvHelper;
using OrthoScan.Ml.Datasets;

namespace OrthoScan.Ml.Tests.Datasets;

/// <summary>A dataset written by the real writer into a temporary directory (or a ZIP, unpacked there), and its files read back.</summary>
internal sealed class WrittenDataset : IDisposable
{
    private WrittenDataset(string root, DatasetReport report)
    {
        Root = root;
        Report = report;
    }

    public string Root { get; }

    public DatasetReport Report { get; }

    public static async Task<WrittenDataset> WriteAsync(
        IReadOnlyList<TagSetRow> rows, DatasetOptions options, IDatasetImageSource? images = null, bool zip = false,
        IEnumerable<QuasiIdentifierCount>? counts = null)
    {
        var root = Path.Combine(Path.GetTempPath(), "orthoscan-dataset-test-" + Path.GetRandomFileName());
        var plan = KAnonymity.Plan(counts ?? DatasetTestData.Counts(rows), options.K);
        DatasetReport report;
        if (zip)
        {
            using var buffer = new MemoryStream();
            await using (var sink = new ZipDatasetSink(buffer, leaveOpen: true))
            {
                report = await DatasetWriter.WriteAsync(DatasetTestData.Taxonomy, plan, DatasetTestData.Stream(rows), images, sink, options, tagSetsTotal: rows.Count);
            }

            buffer.Position = 0;
            await ZipFile.ExtractToDirectoryAsync(buffer, root);
        }
        else
        {
            await using var sink = new DirectoryDatasetSink(root);
            report = await DatasetWriter.WriteAsync(DatasetTestData.Taxonomy, plan, DatasetTestData.Stream(rows), images, sink, options, tagSetsTotal: rows.Count);
        }

        return new WrittenDataset(root, report);
    }

    /// <summary>Every file, as a path relative to the root with forward slashes.</summary>
    public IReadOnlyList<string> Files => [.. Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
        .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/')).Order(StringComparer.Ordinal)];

    public byte[] Bytes(string path) => File.ReadAllBytes(Path.Combine(Root, path));

    public List<Dictionary<string, string>> Csv()
    {
        using var reader = new StreamReader(Path.Combine(Root, DatasetLayout.TagSetsCsv));
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        csv.Read();
        csv.ReadHeader();
        var header = csv.HeaderRecord!;
        var rows = new List<Dictionary<string, string>>();
        while (csv.Read()) rows.Add(header.ToDictionary(h => h, h => csv.GetField(h)!));
        return rows;
    }

    public List<Dictionary<string, JsonElement>> Jsonl() => [.. File.ReadLines(Path.Combine(Root, DatasetLayout.TagSetsJsonl))
        .Select(line => JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(line)!)];

    public string[] CsvHeader() => File.ReadLines(Path.Combine(Root, DatasetLayout.TagSetsCsv)).First().Split(',');

    public JsonElement Manifest() => Json(DatasetLayout.Manifest);

    public JsonElement Json(string path) => JsonDocument.Parse(Bytes(path)).RootElement.Clone();

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}
