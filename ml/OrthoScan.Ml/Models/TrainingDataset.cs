using System.Globalization;
using System.Text.Json;
using CsvHelper;
using OrthoScan.Ml.Datasets;
using OrthoScan.Ml.Features;

namespace OrthoScan.Ml.Models;

/// <summary>
/// The labelled sessions of an unpacked dataset: the first tag set of each session (review_order 1) gives the labels,
/// so a double-tagged session counts once. A score left empty is no label for that score's model.
/// </summary>
public sealed record TrainingDataset(string Root, string TaxonomyVersion, IReadOnlyList<string> Attributes, IReadOnlyList<LabelledSession> Sessions)
{
    private static readonly string[] RequiredColumns = ["export_session_id", "split", "review_order", "stage_fraction", "days_since_last_scan", "detail_tags", "images"];

    /// <summary>Reads tagsets.csv (and the taxonomy version from manifest.json); throws <see cref="DatasetFormatException"/> on a dataset it cannot use.</summary>
    public static TrainingDataset Load(string root)
    {
        if (!Directory.Exists(root)) throw new DatasetFormatException($"The dataset folder '{root}' does not exist.");
        var csvPath = Path.Combine(root, DatasetLayout.TagSetsCsv);
        if (!File.Exists(csvPath)) throw new DatasetFormatException($"The dataset folder '{root}' has no {DatasetLayout.TagSetsCsv}.");

        using var reader = new StreamReader(csvPath);
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is not { } header)
            throw new DatasetFormatException($"{DatasetLayout.TagSetsCsv} is empty.");
        var missing = RequiredColumns.Where(c => !header.Contains(c)).ToArray();
        if (missing.Length > 0) throw new DatasetFormatException($"{DatasetLayout.TagSetsCsv} lacks the column(s) {string.Join(", ", missing)}.");

        // Score columns sit between stage_fraction and detail_tags (DatasetLayout's column order).
        var first = Array.IndexOf(header, "stage_fraction") + 1;
        var attributes = header[first..Array.IndexOf(header, "detail_tags")];
        if (attributes.Length == 0) throw new DatasetFormatException($"{DatasetLayout.TagSetsCsv} has no score columns.");

        var sessions = new List<LabelledSession>();
        while (csv.Read())
        {
            if (csv.GetField("review_order") != "1") continue;
            var split = csv.GetField("split") ?? "";
            if (!DatasetLayout.Splits.Contains(split))
                throw new DatasetFormatException($"Row {csv.Parser.Row} of {DatasetLayout.TagSetsCsv} has the unknown split '{split}'.");
            var labels = attributes.Select(a => (a, v: csv.GetField(a))).Where(x => !string.IsNullOrEmpty(x.v)).ToDictionary(x => x.a, x => x.v!);
            var previous = attributes.Select(a => (a, v: header.Contains("prev_" + a) ? csv.GetField("prev_" + a) : null))
                .Where(x => !string.IsNullOrEmpty(x.v)).ToDictionary(x => x.a, x => x.v!);
            var context = new SessionContextFeatures(Number(csv, "stage_fraction"), (int?)Number(csv, "days_since_last_scan"), previous);
            var images = (csv.GetField("images") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            sessions.Add(new LabelledSession(split, csv.GetField("export_session_id") ?? "", labels, context, images));
        }
        return new TrainingDataset(root, ReadTaxonomyVersion(root), attributes, sessions);
    }

    /// <summary>The view of an image path: images/{split}/{export_session_id}_{view}.jpg.</summary>
    public static string ViewOf(string imagePath, string exportSessionId)
    {
        var name = Path.GetFileNameWithoutExtension(imagePath);
        return name.StartsWith(exportSessionId + "_", StringComparison.Ordinal) ? name[(exportSessionId.Length + 1)..] : name;
    }

    /// <summary>
    /// Every session's feature vector, computed in parallel from the images on disk. An image that is missing or
    /// unreadable counts as a missing view (and is counted in <see cref="FeaturedSessions.UnreadableImages"/>).
    /// </summary>
    public FeaturedSessions Featurize(FeatureLayout layout, IProgress<int>? sessionsDone = null, CancellationToken ct = default)
    {
        var featured = new FeaturedSession[Sessions.Count];
        var unreadable = 0;
        var done = 0;
        Parallel.For(0, Sessions.Count, new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var session = Sessions[i];
            var images = new Dictionary<string, ImageFeatures>();
            foreach (var path in session.ImagePaths)
            {
                try
                {
                    images[ViewOf(path, session.ExportSessionId)] = ImageFeatures.From(File.ReadAllBytes(Path.Combine(Root, path)));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ImageFeatureException)
                {
                    Interlocked.Increment(ref unreadable);
                }
            }
            featured[i] = new FeaturedSession(session.Split, layout.Vector(images, session.Context), session.Labels);
            sessionsDone?.Report(Interlocked.Increment(ref done));
        });
        return new FeaturedSessions(layout, featured, unreadable);
    }

    private static double? Number(CsvReader csv, string column) =>
        double.TryParse(csv.GetField(column), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static string ReadTaxonomyVersion(string root)
    {
        var manifest = Path.Combine(root, DatasetLayout.Manifest);
        if (!File.Exists(manifest)) return "unknown";
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(manifest));
            foreach (var name in new[] { "taxonomyVersion", "taxonomy_version" })
                if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String)
                    return v.GetString()!;
        }
        catch (JsonException e)
        {
            throw new DatasetFormatException($"{DatasetLayout.Manifest} is not valid JSON: {e.Message}");
        }
        return "unknown";
    }
}

/// <summary>One session's labels (score attribute to taxonomy value), context and image paths relative to the dataset root.</summary>
public sealed record LabelledSession(
    string Split, string ExportSessionId, IReadOnlyDictionary<string, string> Labels, SessionContextFeatures Context, IReadOnlyList<string> ImagePaths);

/// <summary>A session as a model sees it: its split, feature vector and labels.</summary>
public sealed record FeaturedSession(string Split, float[] Features, IReadOnlyDictionary<string, string> Labels);

public sealed record FeaturedSessions(FeatureLayout Layout, IReadOnlyList<FeaturedSession> Sessions, int UnreadableImages);

/// <summary>A dataset that cannot be trained on: the CLI answers exit code 2 with the message.</summary>
public sealed class DatasetFormatException(string message) : Exception(message);
