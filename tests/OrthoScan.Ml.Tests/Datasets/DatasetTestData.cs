using System.Runtime.CompilerServices;
using System.Text;
using NetVips;
using OrthoScan.Ml.Datasets;

namespace OrthoScan.Ml.Tests.Datasets;

/// <summary>Rows, images and identifying strings planted in them, for the dataset writer's tests.</summary>
internal static class DatasetTestData
{
    public const string PlantedName = "Jorinde Vanderhoeven";
    public const string PlantedEmail = "jorinde.v@example.org";
    public const string PlantedDate = "2011:06:23";
    public const string PlantedNote = "Call Jorinde at 555-0142 about the refund";

    public static readonly MlTaxonomy Taxonomy = new(
        "3",
        [new MlScore("overall_tracking", ["1", "2", "3"]), new MlScore("aligner_fit", ["1", "2", "3", "not_applicable"]), new MlScore("oral_hygiene", ["1", "2", "3"])],
        ["attachment_missing", "gingivitis", "unseated_aligner"]);

    public static readonly string[] Views = ["frontal", "buccal_l", "buccal_r", "occlusal_u", "occlusal_l"];

    public static QuasiIdentifiers Common { get; } = new("18_29", "full", "invisalign", "DE-BY");

    public static DatasetOptions Options(int seed = 42, bool images = true, bool frontal = false, int k = 5) =>
        new(seed, images, frontal, k, "test-1.0");

    public static TagSetRow Row(
        Guid patient, Guid session, int days, QuasiIdentifiers? identifiers = null, Guid? practice = null,
        IReadOnlyDictionary<string, string>? scores = null, int reviewOrder = 1, int tagSetsInSession = 1,
        IReadOnlyList<string>? detailTags = null, IReadOnlyList<AiPrediction>? predictions = null, string action = "continue") =>
        new(patient, practice ?? PracticeA, session, identifiers ?? Common, days, days > 10 ? 10 : null, 4, 20, reviewOrder, tagSetsInSession,
            scores ?? new Dictionary<string, string> { ["overall_tracking"] = "2", ["aligner_fit"] = "1", ["oral_hygiene"] = "3" },
            detailTags ?? ["attachment_missing@UR3"], action, null, predictions ?? [], Taxonomy.Version);

    public static readonly Guid PracticeA = Guid.Parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");

    /// <summary><paramref name="patients"/> patients with <paramref name="sessions"/> sessions each; patient i's first
    /// session is day 1000 * (i + 1), which tells patients apart by content.</summary>
    public static List<TagSetRow> Patients(int patients, int sessions = 2, QuasiIdentifiers? identifiers = null, int firstDay = 0)
    {
        var rows = new List<TagSetRow>();
        for (var p = 0; p < patients; p++)
        {
            var patient = Guid.NewGuid();
            for (var s = 0; s < sessions; s++) rows.Add(Row(patient, Guid.NewGuid(), firstDay + 1000 * (p + 1) + s * 14, identifiers));
        }

        return rows;
    }

    public static QuasiIdentifierCount[] Counts(IEnumerable<TagSetRow> rows) =>
        [.. rows.GroupBy(r => r.PatientId).GroupBy(p => p.First().Patient).Select(g => new QuasiIdentifierCount(g.Key, g.Count()))];

    public static async IAsyncEnumerable<TagSetRow> Stream(IEnumerable<TagSetRow> rows, [EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var row in rows)
        {
            ct.ThrowIfCancellationRequested();
            yield return row;
        }

        await Task.CompletedTask;
    }

    /// <summary>A JPEG whose EXIF (artist, description, date) and XMP carry the planted name, e-mail and date.</summary>
    public static byte[] JpegWithExif { get; } = BuildJpegWithExif();

    private static byte[] BuildJpegWithExif()
    {
        using var black = Image.Black(64, 48, bands: 3);
        using var coloured = black + new double[] { 180, 120, 90 };
        using var rgb = coloured.Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);
        var xmp = Encoding.UTF8.GetBytes($"<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><dc:creator>{PlantedName} {PlantedEmail}</dc:creator></x:xmpmeta>");
        using var tagged = rgb.Mutate(m =>
        {
            m.Set(GValue.GStrType, "exif-ifd0-Artist", PlantedName);
            m.Set(GValue.GStrType, "exif-ifd0-ImageDescription", PlantedEmail);
            m.Set(GValue.GStrType, "exif-ifd0-DateTime", PlantedDate + " 10:11:12");
            m.Set(GValue.BlobType, "xmp-data", xmp);
        });
        return tagged.JpegsaveBuffer(q: 90, keep: Enums.ForeignKeep.All);
    }
}

/// <summary>Every view of every session, each the planted JPEG.</summary>
internal sealed class PlantedImages : IDatasetImageSource
{
    public int Requests { get; private set; }

    public async IAsyncEnumerable<DatasetImage> ImagesAsync(Guid sessionId, [EnumeratorCancellation] CancellationToken ct)
    {
        Requests++;
        foreach (var view in DatasetTestData.Views) yield return new DatasetImage(view, DatasetTestData.JpegWithExif);
        await Task.CompletedTask;
    }
}
