using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using NetVips;
using OrthoScan.Ml.Datasets;
using OrthoScan.Ml.Features;

namespace OrthoScan.Ml.Models;

/// <summary>
/// Made-up datasets in the export's layout, for tests and benchmarks: photos whose brightness carries overall_tracking,
/// whose sharpness carries aligner_fit (not_applicable: no texture at all) and whose yellowness carries oral_hygiene,
/// each with noise and some labels flipped, so a model can learn them but not perfectly. No real patient in it.
/// </summary>
public static class SyntheticDataset
{
    public static readonly MlTaxonomy Taxonomy = new("2026.1",
    [
        new MlScore("overall_tracking", ["1", "2", "3"]),
        new MlScore("aligner_fit", ["1", "2", "3", "not_applicable"]),
        new MlScore("oral_hygiene", ["1", "2", "3"]),
    ], ["attachment_lost", "plaque"]);

    /// <summary>The views an export holds by default (frontal shows the face and is left out).</summary>
    public static readonly IReadOnlyList<string> Views = ["buccal_l", "buccal_r", "occlusal_u", "occlusal_l"];

    private const double LabelNoise = 0.1;

    /// <summary>Writes tagsets.csv, manifest.json and images for <paramref name="sessions"/> sessions into <paramref name="root"/>.</summary>
    public static void Write(string root, int sessions, int seed, int imageWidth = 64, int imageHeight = 48)
    {
        var random = new Random(seed);
        Directory.CreateDirectory(root);
        foreach (var split in DatasetLayout.Splits) Directory.CreateDirectory(Path.Combine(root, DatasetLayout.ImagesFolder, split));
        var scores = Taxonomy.Scores.Select(s => s.Attribute).ToArray();

        using var writer = new StreamWriter(Path.Combine(root, DatasetLayout.TagSetsCsv), false, new UTF8Encoding(false));
        using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture);
        string[] header =
        [
            "export_patient_id", "export_session_id", "export_practice_id", "split", "review_order", "tag_sets_in_session", "agreement",
            "age_band", "treatment_type", "aligner_brand", "practice_region", "days_since_treatment_start", "days_since_last_scan",
            "stage", "total_stages", "stage_fraction", .. scores, "detail_tags", "action", .. scores.Select(s => "prev_" + s),
            .. scores.Select(s => "ai_" + s), "ai_model", "images",
        ];
        foreach (var column in header) csv.WriteField(column);
        csv.NextRecord();

        var written = 0;
        for (var patient = 0; written < sessions; patient++)
        {
            var patientId = $"p{patient:D6}";
            var split = SplitOf(random);
            var totalStages = random.Next(10, 40);
            var days = 0;
            IReadOnlyDictionary<string, string>? previous = null;
            for (var visit = 0; visit < random.Next(1, 5) && written < sessions; visit++, written++)
            {
                var sessionId = $"s{written:D7}";
                var gap = random.Next(5, 20);
                days += gap;
                var stage = Math.Min(totalStages, 1 + visit * 2);
                var labels = DrawLabels(random);
                var images = new List<string>();
                foreach (var view in Views)
                {
                    if (random.NextDouble() < 0.1) continue;
                    var path = DatasetLayout.ImagePath(split, sessionId, view);
                    File.WriteAllBytes(Path.Combine(root, path), Photo(Noisy(labels, random), random, imageWidth, imageHeight));
                    images.Add(path);
                }
                var doubleTagged = random.NextDouble() < 0.1;
                for (var order = 1; order <= (doubleTagged ? 2 : 1); order++)
                {
                    // The second reader disagrees on purpose: training must read review_order 1 only.
                    var rowLabels = order == 1 ? labels : DrawLabels(random);
                    string?[] row =
                    [
                        patientId, sessionId, "x1", split, order.ToString(CultureInfo.InvariantCulture), doubleTagged ? "2" : "1",
                        doubleTagged ? "0.33" : null, "25-34", "comprehensive", "unknown", "unknown",
                        days.ToString(CultureInfo.InvariantCulture), visit == 0 ? null : gap.ToString(CultureInfo.InvariantCulture),
                        stage.ToString(CultureInfo.InvariantCulture), totalStages.ToString(CultureInfo.InvariantCulture),
                        ((double)stage / totalStages).ToString("0.###", CultureInfo.InvariantCulture),
                        .. scores.Select(s => random.NextDouble() < 0.02 ? null : rowLabels[s]), "", "approve",
                        .. scores.Select(s => previous?.GetValueOrDefault(s)), .. scores.Select(_ => (string?)null), null, string.Join(';', images),
                    ];
                    foreach (var field in row) csv.WriteField(field);
                    csv.NextRecord();
                }
                previous = labels;
            }
        }

        File.WriteAllText(Path.Combine(root, DatasetLayout.Manifest),
            JsonSerializer.Serialize(new { schemaVersion = DatasetLayout.SchemaVersion, taxonomyVersion = Taxonomy.Version, generator = "synthetic" }));
    }

    /// <summary>
    /// Feature vectors of <paramref name="sessions"/> made-up sessions without writing or decoding a photo each: photos
    /// are drawn from a pool featurized once per label combination. For training benchmarks at scale.
    /// </summary>
    public static FeaturedSessions Featured(int sessions, int seed, int poolPerCombination = 8)
    {
        var random = new Random(seed);
        var layout = FeatureLayout.For(Taxonomy.Scores.Select(s => s.Attribute));
        var pool = new Dictionary<string, List<Dictionary<string, ImageFeatures>>>();
        var featured = new FeaturedSession[sessions];
        for (var i = 0; i < sessions; i++)
        {
            var labels = DrawLabels(random);
            var key = string.Join('|', labels.Values);
            if (!pool.TryGetValue(key, out var photos)) pool[key] = photos = [];
            Dictionary<string, ImageFeatures> images;
            if (photos.Count < poolPerCombination)
            {
                images = Views.ToDictionary(v => v, _ => ImageFeatures.From(Photo(Noisy(labels, random), random, 64, 48)));
                photos.Add(images);
            }
            else images = photos[random.Next(photos.Count)];
            var context = new SessionContextFeatures(random.NextDouble(), random.Next(5, 20), random.NextDouble() < 0.5 ? DrawLabels(random) : null);
            featured[i] = new FeaturedSession(SplitOf(random), layout.Vector(images, context), labels);
        }
        return new FeaturedSessions(layout, featured, 0);
    }

    /// <summary>A session's labels, drawn at random (aligner_fit is not_applicable for about one in ten).</summary>
    public static Dictionary<string, string> DrawLabels(Random random) => new()
    {
        ["overall_tracking"] = random.Next(1, 4).ToString(CultureInfo.InvariantCulture),
        ["aligner_fit"] = random.NextDouble() < 0.1 ? "not_applicable" : random.Next(1, 4).ToString(CultureInfo.InvariantCulture),
        ["oral_hygiene"] = random.Next(1, 4).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A JPEG whose look follows the labels: brightness (tracking), sharpness (fit), yellowness (hygiene).</summary>
    public static byte[] Photo(IReadOnlyDictionary<string, string> labels, Random random, int width, int height)
    {
        var tracking = int.Parse(labels["overall_tracking"], CultureInfo.InvariantCulture);
        var hygiene = int.Parse(labels["oral_hygiene"], CultureInfo.InvariantCulture);
        var fit = labels["aligner_fit"];
        var brightness = 70 + 45 * tracking + random.NextDouble() * 30 - 15;
        var texture = fit == "not_applicable" ? 2.0 : 45.0;
        var blur = fit switch { "1" => 0.4, "2" => 1.2, "3" => 2.4, _ => 0.8 } * (0.8 + random.NextDouble() * 0.4);
        var yellow = 1 - 0.18 * (hygiene - 1) + random.NextDouble() * 0.08 - 0.04;

        using var noise = Image.Gaussnoise(width, height, mean: 0, sigma: texture, seed: random.Next());
        using var blurred = noise.Gaussblur(blur);
        using var grey = blurred + brightness;
        using var red = grey * 1.0;
        using var green = grey * 0.95;
        using var blue = grey * yellow;
        using var rgb = red.Bandjoin(green, blue);
        using var bytes = rgb.Cast(Enums.BandFormat.Uchar);
        using var srgb = bytes.Copy(interpretation: Enums.Interpretation.Srgb);
        return srgb.JpegsaveBuffer(q: 90);
    }

    private static string SplitOf(Random random) => random.NextDouble() switch
    {
        < 0.7 => DatasetLayout.Train,
        < 0.8 => DatasetLayout.Validation,
        _ => DatasetLayout.Test,
    };

    /// <summary>The labels the photo shows: one in ten labels is flipped to another value, as tired readers do.</summary>
    private static Dictionary<string, string> Noisy(IReadOnlyDictionary<string, string> labels, Random random) =>
        labels.ToDictionary(l => l.Key, l => random.NextDouble() < LabelNoise ? DrawLabels(random)[l.Key] : l.Value);
}
