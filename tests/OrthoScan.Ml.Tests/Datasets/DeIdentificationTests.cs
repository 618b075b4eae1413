using System.Text;
using NetVips;
using OrthoScan.Ml.Datasets;
using static OrthoScan.Ml.Tests.Datasets.DatasetTestData;

namespace OrthoScan.Ml.Tests.Datasets;

public sealed class DeIdentificationTests
{
    /// <summary>Rows carrying identifying strings where a careless writer would copy them: unknown detail tags, score
    /// values and predictions outside the taxonomy, previous scores; and images whose EXIF and XMP name the patient.</summary>
    private static List<TagSetRow> PlantedRows()
    {
        var rows = Patients(6);
        rows[0] = rows[0] with
        {
            DetailTags = ["gingivitis", PlantedNote, "unseated_aligner@UL2"],
            Scores = new Dictionary<string, string> { ["overall_tracking"] = PlantedEmail, ["aligner_fit"] = "2" },
            PreviousScores = new Dictionary<string, string> { ["oral_hygiene"] = PlantedDate },
            Predictions = [new AiPrediction("overall_tracking", PlantedName, 0.9f, "orthoscan-mlnet@7"), new AiPrediction("aligner_fit", "2", 0.8f, "orthoscan-mlnet@7")],
        };
        return rows;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task No_planted_name_email_date_note_or_original_id_reaches_any_file(bool zip)
    {
        var rows = PlantedRows();
        using var dataset = await WrittenDataset.WriteAsync(rows, Options(frontal: true), new PlantedImages(), zip);

        string[] originals = [.. rows.SelectMany(r => new[] { r.PatientId, r.SessionId, r.PracticeId }).Distinct().SelectMany(g => new[] { g.ToString("D"), g.ToString("N") })];
        string[] planted = [PlantedName, PlantedEmail, PlantedDate, "2011-06-23", "555-0142", "Jorinde", .. originals];
        dataset.Files.Count(f => f.EndsWith(".jpg", StringComparison.Ordinal)).ShouldBe(6 * 2 * Views.Length);
        foreach (var file in dataset.Files)
        {
            var text = Encoding.Latin1.GetString(dataset.Bytes(file));
            foreach (var secret in planted) text.ShouldNotContain(secret, Case.Insensitive, $"{file} holds '{secret}'");
        }
    }

    [Fact]
    public async Task Images_are_reencoded_without_any_metadata()
    {
        using var dataset = await WrittenDataset.WriteAsync(Patients(5, sessions: 1), Options(), new PlantedImages());

        var images = dataset.Files.Where(f => f.EndsWith(".jpg", StringComparison.Ordinal)).ToList();
        images.ShouldNotBeEmpty();
        foreach (var path in images)
        {
            var bytes = dataset.Bytes(path);
            Encoding.Latin1.GetString(bytes).ShouldNotContain("Exif\0\0");
            using var image = Image.NewFromBuffer(bytes);
            image.GetFields().ShouldNotContain(f => f.StartsWith("exif", StringComparison.Ordinal) || f == "xmp-data" || f == "iptc-data" || f == "icc-profile-data",
                $"{path} has {string.Join(", ", image.GetFields())}");
        }
    }

    [Fact]
    public async Task Only_the_planted_rows_taxonomy_values_survive()
    {
        using var dataset = await WrittenDataset.WriteAsync(PlantedRows(), Options(images: false));

        var first = dataset.Csv().Single(r => r["days_since_treatment_start"] == "1000");
        first["detail_tags"].ShouldBe("gingivitis;unseated_aligner@UL2");
        first["overall_tracking"].ShouldBe("");
        first["aligner_fit"].ShouldBe("2");
        first["prev_oral_hygiene"].ShouldBe("");
        first["ai_overall_tracking"].ShouldBe("");
        first["ai_aligner_fit"].ShouldBe("2");
        first["ai_model"].ShouldBe("orthoscan-mlnet@7");
    }

    [Fact]
    public async Task Export_ids_are_new_on_every_write()
    {
        var rows = Patients(5, sessions: 1);
        using var first = await WrittenDataset.WriteAsync(rows, Options(images: false));
        using var second = await WrittenDataset.WriteAsync(rows, Options(images: false));

        string[] idColumns = ["export_patient_id", "export_session_id", "export_practice_id"];
        var firstIds = first.Csv().SelectMany(r => idColumns.Select(c => r[c])).ToHashSet();
        var secondIds = second.Csv().SelectMany(r => idColumns.Select(c => r[c])).ToHashSet();
        firstIds.Count.ShouldBe(5 + 5 + 1);
        firstIds.Overlaps(secondIds).ShouldBeFalse();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Frontal_views_are_left_out_unless_asked_for(bool includeFrontal)
    {
        using var dataset = await WrittenDataset.WriteAsync(Patients(5, sessions: 1), Options(frontal: includeFrontal), new PlantedImages());

        var images = dataset.Files.Where(f => f.StartsWith("images/", StringComparison.Ordinal)).ToList();
        images.Any(f => f.EndsWith("_frontal.jpg", StringComparison.Ordinal)).ShouldBe(includeFrontal);
        images.Count.ShouldBe(5 * (includeFrontal ? 5 : 4));
        dataset.Report.FrontalIncluded.ShouldBe(includeFrontal);
        dataset.Manifest().GetProperty("deIdentification").GetProperty("frontalIncluded").GetBoolean().ShouldBe(includeFrontal);
        var card = Encoding.UTF8.GetString(dataset.Bytes(DatasetLayout.DataCard));
        card.ShouldContain(includeFrontal ? "Frontal views (they show the face) ARE included" : "Frontal views (they show the face) are excluded");
    }

    [Fact]
    public async Task Every_written_combination_is_shared_by_K_patients_and_suppressions_are_reported()
    {
        var rare = new QuasiIdentifiers("under_12", "partial", "spark", "FR-IDF");
        var generalised = new QuasiIdentifiers("18_29", "full", "clearcorrect", "DE-BY");
        var generalisedToo = new QuasiIdentifiers("18_29", "full", "angel", "DE-BY");
        List<TagSetRow> rows = [.. Patients(7), .. Patients(3, identifiers: generalised, firstDay: 100_000),
            .. Patients(2, identifiers: generalisedToo, firstDay: 200_000), .. Patients(2, identifiers: rare, firstDay: 300_000)];

        using var dataset = await WrittenDataset.WriteAsync(rows, Options(images: false, k: 5));

        var csv = dataset.Csv();
        var perCombination = csv.GroupBy(r => (r["age_band"], r["treatment_type"], r["aligner_brand"], r["practice_region"]))
            .ToDictionary(g => g.Key, g => g.Select(r => r["export_patient_id"]).Distinct().Count());
        perCombination.Values.ShouldAllBe(patients => patients >= 5);
        perCombination.Keys.ShouldBe([("18_29", "full", "invisalign", "DE-BY"), ("18_29", "full", "other", "DE-BY")], ignoreOrder: true);
        csv.ShouldNotContain(r => r["age_band"] == "under_12");
        dataset.Report.ShouldSatisfyAllConditions(
            r => r.Patients.ShouldBe(12),
            r => r.GeneralisedPatients.ShouldBe(5),
            r => r.SuppressedPatients.ShouldBe(2),
            r => r.SuppressedTagSets.ShouldBe(4));
        var deIdentification = dataset.Manifest().GetProperty("deIdentification");
        deIdentification.GetProperty("suppressedPatients").GetInt32().ShouldBe(2);
        deIdentification.GetProperty("generalisedPatients").GetInt32().ShouldBe(5);
    }
}
