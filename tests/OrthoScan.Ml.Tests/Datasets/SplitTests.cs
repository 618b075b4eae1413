using OrthoScan.Ml.Datasets;
using static OrthoScan.Ml.Tests.Datasets.DatasetTestData;

namespace OrthoScan.Ml.Tests.Datasets;

public sealed class SplitTests
{
    private static readonly List<TagSetRow> Rows = Patients(60, sessions: 3);

    /// <summary>Split per patient, told apart by content (each patient's first day), since export ids change every write.</summary>
    private static async Task<Dictionary<string, string>> SplitByContent(int seed)
    {
        using var dataset = await WrittenDataset.WriteAsync(Rows, Options(seed, images: false));
        return dataset.Csv().GroupBy(r => r["export_patient_id"])
            .ToDictionary(g => g.Min(r => int.Parse(r["days_since_treatment_start"], System.Globalization.CultureInfo.InvariantCulture)).ToString(System.Globalization.CultureInfo.InvariantCulture),
                g => g.Select(r => r["split"]).Distinct().Single());
    }

    [Fact]
    public async Task No_patient_is_in_two_splits_and_the_manifest_agrees()
    {
        using var dataset = await WrittenDataset.WriteAsync(Rows, Options(images: true), new PlantedImages());

        var csv = dataset.Csv();
        var splitOf = csv.GroupBy(r => r["export_patient_id"]).ToDictionary(g => g.Key, g => g.Select(r => r["split"]).Distinct().ToList());
        splitOf.Values.ShouldAllBe(splits => splits.Count == 1);
        var manifest = dataset.Manifest().GetProperty("patientSplits").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        manifest.ShouldBe(splitOf.ToDictionary(s => s.Key, s => (string?)s.Value[0]), ignoreOrder: true);
        foreach (var row in csv)
        {
            row["images"].Split(';').ShouldAllBe(path => path.StartsWith($"images/{row["split"]}/{row["export_session_id"]}_", StringComparison.Ordinal));
        }

        dataset.Report.PatientsPerSplit.Values.Sum().ShouldBe(60);
        dataset.Report.PatientsPerSplit[DatasetLayout.Train].ShouldBeGreaterThan(dataset.Report.PatientsPerSplit[DatasetLayout.Test]);
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_split_and_another_seed_another()
    {
        var first = await SplitByContent(seed: 11);
        var again = await SplitByContent(seed: 11);
        var other = await SplitByContent(seed: 12);

        first.Count.ShouldBe(60);
        again.ShouldBe(first, ignoreOrder: true);
        other.Keys.ShouldBe(first.Keys, ignoreOrder: true);
        other.ShouldNotBe(first);
        first.Values.Distinct().Count().ShouldBe(3, "60 patients at 0.8/0.1/0.1 fill every split");
    }
}
