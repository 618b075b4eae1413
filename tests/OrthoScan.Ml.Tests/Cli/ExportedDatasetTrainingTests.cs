using System.Runtime.CompilerServices;
using OrthoScan.Ml.Datasets;
using OrthoScan.Ml.Models;

namespace OrthoScan.Ml.Tests.Cli;

/// <summary>
/// The two halves of the ML module meet on disk: a dataset as the export writes it (DatasetWriter, de-identified, split
/// by patient) is what the CLI trains and evaluates on, without any conversion.
/// </summary>
public sealed class ExportedDatasetTrainingTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("orthoscan-exported-").FullName;

    [Fact]
    public async Task The_cli_trains_and_evaluates_on_a_dataset_the_export_wrote_and_beats_the_baseline()
    {
        var random = new Random(5);
        var identifiers = new QuasiIdentifiers("18_29", "clear_aligners", "invisalign", "DE-BY");
        var labels = new Dictionary<Guid, Dictionary<string, string>>();
        var rows = new List<TagSetRow>();
        for (var patient = 0; patient < 360; patient++)
        {
            var session = Guid.NewGuid();
            labels[session] = SyntheticDataset.DrawLabels(random);
            rows.Add(new TagSetRow(Guid.NewGuid(), Guid.NewGuid(), session, identifiers, 30, null, 3, 20, 1, 1,
                labels[session], [], "continue", null, [], SyntheticDataset.Taxonomy.Version));
        }

        var dataset = Path.Combine(root, "dataset");
        var report = await DatasetWriter.WriteAsync(SyntheticDataset.Taxonomy, KAnonymity.Plan([new QuasiIdentifierCount(identifiers, rows.Count)], 5),
            Stream(rows), new PhotosFollowingTheLabels(labels), new DirectoryDatasetSink(dataset), new DatasetOptions(3, true, false, 5, "test"));
        report.TagSets.ShouldBe(rows.Count);

        var model = Path.Combine(root, "model.zip");
        var metrics = Path.Combine(root, "metrics.md");
        Run("train", "--dataset", dataset, "--out", model).ShouldBe(0);
        Run("evaluate", "--dataset", dataset, "--model", model, "--out", metrics).ShouldBe(0);

        var card = ModelBundle.Load(model).Card;
        card.Evaluation.Select(e => e.Attribute).ShouldBe(["overall_tracking", "aligner_fit", "oral_hygiene"]);
        card.Evaluation.ShouldAllBe(e => e.TestRows > 0 && e.MacroF1 > e.BaselineMacroF1);
    }

    private static int Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        return OrthoScan.Ml.Cli.Cli.Run(args, output, error);
    }

    private static async IAsyncEnumerable<TagSetRow> Stream(IEnumerable<TagSetRow> rows)
    {
        foreach (var row in rows) yield return row;
        await Task.CompletedTask;
    }

    /// <summary>Each session's photos carry its labels' planted signal (brightness, sharpness, colour).</summary>
    private sealed class PhotosFollowingTheLabels(Dictionary<Guid, Dictionary<string, string>> labels) : IDatasetImageSource
    {
        private readonly Random random = new(9);

        public async IAsyncEnumerable<DatasetImage> ImagesAsync(Guid sessionId, [EnumeratorCancellation] CancellationToken ct)
        {
            foreach (var view in SyntheticDataset.Views) yield return new DatasetImage(view, SyntheticDataset.Photo(labels[sessionId], random, 64, 48));
            await Task.CompletedTask;
        }
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
