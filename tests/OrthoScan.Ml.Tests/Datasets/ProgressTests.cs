using OrthoScan.Ml.Datasets;
using static OrthoScan.Ml.Tests.Datasets.DatasetTestData;

namespace OrthoScan.Ml.Tests.Datasets;

public sealed class ProgressTests
{
    private sealed class Recorded : IProgress<DatasetProgress>
    {
        public List<DatasetProgress> Reports { get; } = [];

        public void Report(DatasetProgress value) => Reports.Add(value);
    }

    [Fact]
    public async Task Progress_rises_to_every_tag_set_and_image_against_the_given_total()
    {
        var rows = Patients(60, sessions: 2);
        var progress = new Recorded();
        var spool = Directory.CreateTempSubdirectory("orthoscan-dataset-progress-test-");
        try
        {
            await using var sink = new DirectoryDatasetSink(Path.Combine(spool.FullName, "out"));
            await DatasetWriter.WriteAsync(Taxonomy, KAnonymity.Plan(Counts(rows), 5), Stream(rows), new PlantedImages(), sink, Options(),
                progress, tagSetsTotal: 1234);

            progress.Reports.Count.ShouldBeGreaterThan(2);
            progress.Reports.ShouldAllBe(p => p.TagSetsTotal == 1234);
            progress.Reports.Select(p => p.TagSetsWritten).ShouldBeInOrder();
            progress.Reports.Select(p => p.ImagesWritten).ShouldBeInOrder();
            progress.Reports[^1].ShouldBe(new DatasetProgress(120, 1234, 120 * 4));
        }
        finally
        {
            spool.Delete(recursive: true);
        }
    }
}
