using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;

namespace OrthoScan.Ml.Datasets;

/// <summary>
/// tagsets.csv and tagsets.jsonl, written side by side one tag set at a time: the same columns in the same order;
/// in the CSV an unknown is an empty cell, in JSON Lines it is null and numbers are numbers.
/// </summary>
internal sealed class TagSetFiles : IAsyncDisposable
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    private readonly IReadOnlyList<string> columns;
    private readonly SpoolFile csvFile;
    private readonly StreamWriter csvText;
    private readonly CsvWriter csv;
    private readonly SpoolFile jsonlFile;
    private readonly Utf8JsonWriter jsonl;

    public TagSetFiles(string spoolDirectory, IReadOnlyList<string> columns)
    {
        this.columns = columns;
        csvFile = new SpoolFile(spoolDirectory, DatasetLayout.TagSetsCsv);
        csvText = new StreamWriter(csvFile, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024);
        csv = new CsvWriter(csvText, CultureInfo.InvariantCulture);
        foreach (var column in columns) csv.WriteField(column);
        csv.NextRecord();
        jsonlFile = new SpoolFile(spoolDirectory, DatasetLayout.TagSetsJsonl);
        jsonl = new Utf8JsonWriter(jsonlFile);
    }

    public void Write(object?[] cells)
    {
        jsonl.WriteStartObject();
        for (var i = 0; i < cells.Length; i++)
        {
            csv.WriteField(Text(cells[i]));
            WriteJson(columns[i], cells[i]);
        }

        csv.NextRecord();
        jsonl.WriteEndObject();
        jsonl.Flush();
        jsonl.Reset();
        jsonlFile.Write(NewLine);
    }

    public async Task<IReadOnlyList<DatasetFile>> AddToAsync(IDatasetSink sink, CancellationToken ct)
    {
        await csv.FlushAsync();
        await csvText.FlushAsync(ct);
        await jsonl.FlushAsync(ct);
        return [await csvFile.AddToAsync(sink, ct), await jsonlFile.AddToAsync(sink, ct)];
    }

    public async ValueTask DisposeAsync()
    {
        await csv.DisposeAsync();
        await jsonl.DisposeAsync();
        await csvFile.DisposeAsync();
        await jsonlFile.DisposeAsync();
    }

    private static string Text(object? cell) => cell switch
    {
        null => "",
        int i => i.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        string s => s,
        _ => throw new InvalidOperationException($"Unexpected cell type {cell.GetType().Name}."),
    };

    private void WriteJson(string name, object? cell)
    {
        switch (cell)
        {
            case null: jsonl.WriteNull(name); break;
            case int i: jsonl.WriteNumber(name, i); break;
            case double d: jsonl.WriteNumber(name, d); break;
            case string s: jsonl.WriteString(name, s); break;
            default: throw new InvalidOperationException($"Unexpected cell type {cell.GetType().Name}.");
        }
    }
}
