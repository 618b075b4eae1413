using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using NetVips;
using OrthoScan.Api.Infrastructure.Imaging;
using OrthoScan.Api.Tests.Imaging;

namespace OrthoScan.Benchmarks;

/// <summary>
/// One 12-megapixel JPEG (4000x3000 synthetic intraoral photo with EXIF incl. GPS, generated once per process)
/// through <see cref="ImageProcessor.Process(byte[])"/>, against two baselines doing the comparable resize work on
/// the same bytes in the same run: three thumbnails (3000, 1600 and 320 px, JPEG Q85, metadata stripped)
///  - in-process with libvips' own thumbnail (NetVips <c>Image.ThumbnailBuffer</c>, the same libvips build): the
///    baseline the ratio is against;
///  - and with the <c>vipsthumbnail</c> CLI (Debian libvips-tools), one process per size, as the issue words it.
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ImageProcessingBenchmarks
{
    private const int Batch = 8;
    private static readonly int[] Sizes = [3000, 1600, 320];

    private byte[] jpeg = [];
    private string folder = "";
    private string input = "";
    private ImageProcessor processor = null!;
    private string running = "";

    [GlobalSetup]
    public void Setup()
    {
        using (var photo = TestImages.Teeth(4000, 3000, seed: 12, noise: 6))
        {
            jpeg = new ExifWriter(Orientation: 1, Gps: true).Into(TestImages.Jpeg(photo, quality: 92));
        }

        folder = Path.Combine(Path.GetTempPath(), "orthoscan-bench-" + Environment.ProcessId);
        Directory.CreateDirectory(folder);
        input = Path.Combine(folder, "scan-12mp.jpg");
        File.WriteAllBytes(input, jpeg);
        processor = new ImageProcessor(new ImageLimits());

        var check = processor.Process(jpeg);
        Console.WriteLine($"// input: 4000x3000 JPEG, {jpeg.Length / 1024} KiB; libvips {NetVips.NetVips.Version(0)}.{NetVips.NetVips.Version(1)}.{NetVips.NetVips.Version(2)} (NetVips), " +
                          $"Process -> full {check.Full.Length / 1024} KiB, display {check.Display.Length / 1024} KiB, thumbnail {check.Thumbnail.Length / 1024} KiB, " +
                          $"quality {check.Quality.Score} [{string.Join(",", check.Quality.Reasons)}]");
        PeakRss.Reset();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        PeakRss.SaveResult(running);
        Directory.Delete(folder, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "libvips thumbnail x3 (in-process)")]
    [BenchmarkCategory("1 image")]
    public long ThumbnailInProcess()
    {
        running = nameof(ThumbnailInProcess);
        return ThreeThumbnails();
    }

    [Benchmark(Description = "vipsthumbnail CLI x3 (processes)")]
    [BenchmarkCategory("1 image")]
    public long VipsthumbnailCli()
    {
        running = nameof(VipsthumbnailCli);
        long total = 0;
        foreach (var size in Sizes)
        {
            var output = Path.Combine(folder, $"cli-{size}.jpg");
            var start = new ProcessStartInfo("vipsthumbnail")
            {
                ArgumentList = { input, "--size", $"{size}x{size}>", "-o", output + "[Q=85,strip]" },
                UseShellExecute = false,
                RedirectStandardError = true,
            };
            using var process = System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException("vipsthumbnail did not start");
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"vipsthumbnail failed: {error}");
            total += new FileInfo(output).Length;
        }

        return total;
    }

    [Benchmark(Description = "ImageProcessor.Process")]
    [BenchmarkCategory("1 image")]
    public long Process()
    {
        running = nameof(Process);
        return processor.Process(jpeg).Full.Length;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch, Description = "libvips thumbnail x3 (in-process), 2 in parallel")]
    [BenchmarkCategory("2 cores, 2 at a time")]
    public long ThumbnailInProcessParallel()
    {
        running = nameof(ThumbnailInProcessParallel);
        long total = 0;
        Parallel.For(0, Batch, new ParallelOptions { MaxDegreeOfParallelism = 2 }, _ => Interlocked.Add(ref total, ThreeThumbnails()));
        return total;
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "ImageProcessor.Process, 2 in parallel")]
    [BenchmarkCategory("2 cores, 2 at a time")]
    public long ProcessParallel()
    {
        running = nameof(ProcessParallel);
        long total = 0;
        Parallel.For(0, Batch, new ParallelOptions { MaxDegreeOfParallelism = 2 }, _ => Interlocked.Add(ref total, processor.Process(jpeg).Full.Length));
        return total;
    }

    private long ThreeThumbnails()
    {
        long total = 0;
        foreach (var size in Sizes)
        {
            using var thumbnail = Image.ThumbnailBuffer(jpeg, size, height: size, size: Enums.Size.Down);
            total += thumbnail.JpegsaveBuffer(q: 85, keep: Enums.ForeignKeep.None).Length;
        }

        return total;
    }
}
