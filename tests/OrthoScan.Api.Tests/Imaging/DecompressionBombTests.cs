using System.Diagnostics;
using OrthoScan.Api.Infrastructure.Imaging;
using Shouldly;

namespace OrthoScan.Api.Tests.Imaging;

/// <summary>Runs alone (no other test class in parallel) so that its memory readings are its own.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialImagingCollection
{
    public const string Name = "imaging-serial";
}

/// <summary>
/// Tiny files whose headers claim 60000 x 60000 pixels (3.6 gigapixels, ~10.8 GB decoded as RGB, and with an
/// EXIF rotation libvips would have to hold all of it), and small PNGs whose metadata inflates to a gigabyte. They
/// must be refused from the header alone: quickly, without decoding or inflating, without a large allocation.
/// </summary>
[Collection(SerialImagingCollection.Name)]
public sealed class DecompressionBombTests
{
    private static readonly ImageProcessor Processor = new(new ImageLimits());

    public static TheoryData<string> Bombs => ["png", "jpeg", "jpeg-rotated"];

    [Theory]
    [MemberData(nameof(Bombs))]
    public void A_60000x60000_header_is_too_many_pixels_without_decoding(string kind)
    {
        var bomb = Make(kind);
        bomb.Length.ShouldBeLessThan(64 * 1024);
        Processor.Process(TestImagesSmall()); // warm up libvips so the measurement below is only the bomb

        var rssBefore = PeakRss.Reset();
        var managedBefore = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();

        var e = Should.Throw<ImageRejectedException>(() => Processor.Process(bomb));

        sw.Stop();
        var managed = GC.GetAllocatedBytesForCurrentThread() - managedBefore;
        var rssGrowth = PeakRss.Read() - rssBefore;

        e.Reason.ShouldBe("too_many_pixels");
        e.Message.ShouldContain("60000x60000");
        sw.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(2), "refused from the header, not after decoding");
        managed.ShouldBeLessThan(1024 * 1024, "managed bytes allocated while refusing");
        if (rssBefore > 0) rssGrowth.ShouldBeLessThan(64L * 1024 * 1024, "peak RSS growth while refusing");
    }

    public static TheoryData<string> MetadataBombs => ["zTXt", "iTXt", "iCCP"];

    /// <summary>
    /// A 1 MB PNG whose text or ICC chunk inflates to 1 GiB: refused by inflating no more than the metadata limit.
    /// The old code handed the file to MetadataExtractor's PNG reader, which inflated the whole gigabyte into managed
    /// memory (3.1 GB peak, 14 s) and then accepted the photo.
    /// </summary>
    [Theory]
    [MemberData(nameof(MetadataBombs))]
    public void A_png_whose_metadata_chunk_inflates_to_1_GiB_is_refused_without_inflating_it(string chunk)
    {
        var bomb = CraftedFiles.PngWithChunks(SmallPng(), (chunk, chunk switch
        {
            "zTXt" => CraftedFiles.ZtxtData(CraftedFiles.ZlibOfOneGibibyte),
            "iTXt" => CraftedFiles.CompressedItxtData(CraftedFiles.ZlibOfOneGibibyte),
            _ => CraftedFiles.IccpData(CraftedFiles.ZlibOfOneGibibyte),
        }));
        bomb.Length.ShouldBeLessThan(2 * 1024 * 1024);
        Processor.Process(TestImagesSmall());

        var rssBefore = PeakRss.Reset();
        var managedBefore = GC.GetAllocatedBytesForCurrentThread();

        var e = Should.Throw<ImageRejectedException>(() => Processor.Process(bomb));

        var managed = GC.GetAllocatedBytesForCurrentThread() - managedBefore;
        var rssGrowth = PeakRss.Read() - rssBefore;
        e.Reason.ShouldBe("metadata_too_large");
        managed.ShouldBeLessThan(1024 * 1024, "managed bytes allocated while refusing: not the inflated gigabyte");
        if (rssBefore > 0) rssGrowth.ShouldBeLessThan(64L * 1024 * 1024, "peak RSS growth while refusing");
    }

    private static byte[] SmallPng()
    {
        using var photo = TestImages.Teeth(320, 240, seed: 2);
        return TestImages.Png(photo);
    }

    private static byte[] TestImagesSmall()
    {
        using var photo = TestImages.Teeth(400, 300);
        return TestImages.Jpeg(photo);
    }

    private static byte[] Make(string kind)
    {
        using var small = TestImages.Teeth(64, 64);
        var jpeg = TestImages.Jpeg(small);
        return kind switch
        {
            "png" => CraftedFiles.PngBomb(60000, 60000),
            "jpeg" => CraftedFiles.JpegBomb(jpeg, 60000, 60000),
            _ => CraftedFiles.JpegBomb(new ExifWriter(Orientation: 6).Into(jpeg), 60000, 60000),
        };
    }
}

/// <summary>Peak resident set size of this process (Linux VmHWM), resettable through /proc/self/clear_refs.</summary>
public static class PeakRss
{
    /// <summary>Resets the high-water mark to the current RSS and returns it (0 where /proc is not there).</summary>
    public static long Reset()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (IOException)
        {
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return 0;
        }

        return Read();
    }

    public static long Read()
    {
        if (!File.Exists("/proc/self/status")) return 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                var kb = long.Parse(line["VmHWM:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), System.Globalization.CultureInfo.InvariantCulture);
                return kb * 1024;
            }
        }

        return 0;
    }
}
