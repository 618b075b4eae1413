using System.Text;

namespace OrthoScan.Ml.Tests.Datasets;

public sealed class PlantedImageTests
{
    [Fact]
    public void The_planted_image_carries_the_identifying_metadata_the_writer_must_drop()
    {
        var text = Encoding.Latin1.GetString(DatasetTestData.JpegWithExif);
        text.ShouldContain("Exif\0\0");
        text.ShouldContain(DatasetTestData.PlantedName);
        text.ShouldContain(DatasetTestData.PlantedEmail);
        text.ShouldContain(DatasetTestData.PlantedDate);
    }
}
