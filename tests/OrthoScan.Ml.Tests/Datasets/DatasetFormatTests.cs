using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using OrthoScan.Ml.Datasets;
using static OrthoScan.Ml.Tests.Datasets.DatasetTestData;

namespace OrthoScan.Ml.Tests.Datasets;

public sealed class DatasetFormatTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_manifest_lists_every_other_file_with_its_checksum_and_size(bool zip)
    {
        using var dataset = await WrittenDataset.WriteAsync(Patients(5), Options(), new PlantedImages(), zip);

        var listed = dataset.Manifest().GetProperty("files").EnumerateArray()
            .ToDictionary(f => f.GetProperty("path").GetString()!, f => (Sha: f.GetProperty("sha256").GetString(), Size: f.GetProperty("size").GetInt64()));
        listed.Keys.ShouldBe(dataset.Files.Where(f => f != DatasetLayout.Manifest), ignoreOrder: true);
        foreach (var (path, (sha, size)) in listed)
        {
            var bytes = dataset.Bytes(path);
            sha.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(bytes)), path);
            size.ShouldBe(bytes.LongLength, path);
        }

        listed.Keys.ShouldContain(DatasetLayout.TagSetsCsv);
        listed.Keys.ShouldContain(DatasetLayout.DataCard);
        listed.Keys.ShouldContain(DatasetLayout.LabelStudio);
    }

    [Fact]
    public async Task The_manifest_holds_versions_counts_and_the_label_distribution()
    {
        var rows = Patients(5);
        rows[0] = rows[0] with { Scores = new Dictionary<string, string> { ["overall_tracking"] = "3", ["aligner_fit"] = "not_applicable" } };
        using var dataset = await WrittenDataset.WriteAsync(rows, Options(images: false));

        var manifest = dataset.Manifest();
        manifest.GetProperty("schemaVersion").GetString().ShouldBe(DatasetLayout.SchemaVersion);
        manifest.GetProperty("taxonomyVersion").GetString().ShouldBe("3");
        manifest.GetProperty("generatorVersion").GetString().ShouldBe("test-1.0");
        manifest.GetProperty("k").GetInt32().ShouldBe(5);
        var counts = manifest.GetProperty("counts");
        (counts.GetProperty("patients").GetInt32(), counts.GetProperty("sessions").GetInt32(), counts.GetProperty("tagSets").GetInt32()).ShouldBe((5, 10, 10));
        var tracking = manifest.GetProperty("labelDistribution").GetProperty("overall_tracking");
        (tracking.GetProperty("2").GetInt32(), tracking.GetProperty("3").GetInt32(), tracking.GetProperty("1").GetInt32()).ShouldBe((9, 1, 0));
        var hygiene = manifest.GetProperty("labelDistribution").GetProperty("oral_hygiene");
        hygiene.GetProperty("not_scored").GetInt32().ShouldBe(1);
        manifest.GetProperty("labelDistribution").GetProperty("aligner_fit").GetProperty("not_applicable").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task Csv_and_jsonl_hold_the_same_rows_in_the_documented_columns()
    {
        var rows = Patients(5);
        rows[1] = rows[1] with { Stage = null, TotalStages = null, DaysSinceLastScan = null, DetailTags = [], Predictions = [new AiPrediction("oral_hygiene", "1", 0.61f, "orthoscan-mlnet@2")] };
        using var dataset = await WrittenDataset.WriteAsync(rows, Options(), new PlantedImages());

        dataset.CsvHeader().ShouldBe(DatasetColumns.For(Taxonomy));
        var csv = dataset.Csv();
        var jsonl = dataset.Jsonl();
        jsonl.Count.ShouldBe(csv.Count);
        csv.Count.ShouldBe(10);
        for (var i = 0; i < csv.Count; i++)
        {
            jsonl[i].Keys.ShouldBe(DatasetColumns.For(Taxonomy));
            foreach (var (column, cell) in csv[i]) AsCsvCell(jsonl[i][column]).ShouldBe(cell, $"row {i}, {column}");
        }

        var sparse = jsonl.Single(r => r["days_since_treatment_start"].GetInt32() == 1014);
        sparse["stage"].ValueKind.ShouldBe(JsonValueKind.Null);
        sparse["detail_tags"].ValueKind.ShouldBe(JsonValueKind.Null);
        sparse["ai_oral_hygiene"].GetString().ShouldBe("1");
        var full = jsonl.Single(r => r["days_since_treatment_start"].GetInt32() == 1000);
        full["stage_fraction"].GetDouble().ShouldBe(0.2);
        full["review_order"].ValueKind.ShouldBe(JsonValueKind.Number);
        full["images"].GetString()!.Split(';').Length.ShouldBe(4);
    }

    private static string AsCsvCell(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => "",
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => value.GetDouble().ToString("R", CultureInfo.InvariantCulture),
        _ => throw new InvalidOperationException($"Unexpected {value.ValueKind}"),
    };

    [Fact]
    public async Task A_double_tagged_session_has_both_tag_sets_and_their_agreement()
    {
        var patient = Guid.NewGuid();
        var session = Guid.NewGuid();
        List<TagSetRow> rows =
        [
            .. Patients(5, sessions: 1, firstDay: 50_000),
            Row(patient, session, 30, scores: new Dictionary<string, string> { ["overall_tracking"] = "2", ["aligner_fit"] = "1", ["oral_hygiene"] = "3" }, reviewOrder: 1, tagSetsInSession: 2),
            Row(patient, session, 30, scores: new Dictionary<string, string> { ["overall_tracking"] = "2", ["aligner_fit"] = "2", ["oral_hygiene"] = "3" }, reviewOrder: 2, tagSetsInSession: 2),
        ];

        using var dataset = await WrittenDataset.WriteAsync(rows, Options(images: false));

        var pair = dataset.Csv().Where(r => r["days_since_treatment_start"] == "30").ToList();
        pair.Count.ShouldBe(2);
        pair.Select(r => r["export_session_id"]).Distinct().Count().ShouldBe(1);
        pair.Select(r => r["review_order"]).ShouldBe(["1", "2"]);
        pair.Select(r => r["aligner_fit"]).ShouldBe(["1", "2"]);
        pair.ShouldAllBe(r => r["agreement"] == "0.6667" && r["tag_sets_in_session"] == "2");
        dataset.Csv().Where(r => r["days_since_treatment_start"] != "30").ShouldAllBe(r => r["agreement"] == "");
        var task = dataset.Json(DatasetLayout.LabelStudio).EnumerateArray()
            .Single(t => t.GetProperty("data").GetProperty("export_session_id").GetString() == pair[0]["export_session_id"]);
        task.GetProperty("annotations").GetArrayLength().ShouldBe(2);
    }

    [Fact]
    public async Task Label_studio_tasks_carry_images_annotations_and_predictions()
    {
        var rows = Patients(5, sessions: 1);
        rows[0] = rows[0] with { Predictions = [new AiPrediction("overall_tracking", "2", 0.9f, "orthoscan-mlnet@4"), new AiPrediction("oral_hygiene", "1", 0.5f, "orthoscan-mlnet@4")] };
        using var dataset = await WrittenDataset.WriteAsync(rows, Options(), new PlantedImages());

        var tasks = dataset.Json(DatasetLayout.LabelStudio).EnumerateArray().ToList();
        tasks.Count.ShouldBe(5);
        var task = tasks.Single(t => t.GetProperty("predictions").GetArrayLength() == 1);
        var data = task.GetProperty("data");
        dataset.Files.ShouldContain(data.GetProperty("image").GetString()!);
        data.GetProperty("images").GetArrayLength().ShouldBe(4);
        var results = task.GetProperty("annotations")[0].GetProperty("result").EnumerateArray().ToList();
        results.Select(r => r.GetProperty("from_name").GetString()).ShouldBe(["overall_tracking", "aligner_fit", "oral_hygiene", "detail_tags"]);
        results.ShouldAllBe(r => r.GetProperty("type").GetString() == "choices" && r.GetProperty("to_name").GetString() == "image");
        results[0].GetProperty("value").GetProperty("choices")[0].GetString().ShouldBe("2");
        var prediction = task.GetProperty("predictions")[0];
        prediction.GetProperty("model_version").GetString().ShouldBe("orthoscan-mlnet@4");
        prediction.GetProperty("score").GetDouble().ShouldBe(0.7, tolerance: 0.0001);
        prediction.GetProperty("result").GetArrayLength().ShouldBe(2);
    }

    [Fact]
    public async Task The_data_card_states_the_de_identification_intended_use_and_biases()
    {
        using var dataset = await WrittenDataset.WriteAsync(Patients(5), Options(images: false));

        var card = System.Text.Encoding.UTF8.GetString(dataset.Bytes(DatasetLayout.DataCard));
        foreach (var heading in new[] { "## How it was made", "## De-identification", "## Intended use", "## Known biases and limits" }) card.ShouldContain(heading);
        card.ShouldContain("k-anonymity with k = 5");
        card.ShouldContain("Frontal views (they show the face) are excluded");
        card.ShouldContain("non-diagnostic");
        card.ShouldContain("overall_tracking: 1 0, 2 10, 3 0");
    }
}
