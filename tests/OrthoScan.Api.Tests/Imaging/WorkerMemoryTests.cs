using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using OrthoScan.Api.Infrastructure.Imaging;
using Shouldly;
using Xunit.Abstractions;

namespace OrthoScan.Api.Tests.Imaging;

/// <summary>
/// The worker's image code in a process of its own: the API binary's <c>process-image</c> command, which runs the
/// same <see cref="ImageProcessor"/> registration as the worker on files, as many at once as the worker has job loops.
/// This test reads the child's peak resident memory (VmHWM) from /proc/PID/status before letting it exit.
/// </summary>
[Collection(SerialImagingCollection.Name)]
public sealed class WorkerMemoryTests(ITestOutputHelper output)
{
    private const long PeakBudget = 300L * 1024 * 1024;

    /// <summary>The bomb files of issue 10, two at a time like the worker's two job loops, and one good photo.</summary>
    [Fact]
    public async Task The_worker_refuses_every_bomb_with_a_peak_memory_under_300_MB()
    {
        using var small = TestImages.Teeth(320, 240, seed: 3);
        var png = TestImages.Png(small);
        var gigabyteOfZeros = CraftedFiles.ZlibOfOneGibibyte;
        using var photo = TestImages.Teeth(1600, 1200, seed: 4);
        var expected = new Dictionary<string, (byte[] Bytes, string Outcome)>
        {
            ["ztxt-bomb.png"] = (CraftedFiles.PngWithChunks(png, ("zTXt", CraftedFiles.ZtxtData(gigabyteOfZeros))), ImageRejectionReasons.MetadataTooLarge),
            ["itxt-bomb.png"] = (CraftedFiles.PngWithChunks(png, ("iTXt", CraftedFiles.CompressedItxtData(gigabyteOfZeros))), ImageRejectionReasons.MetadataTooLarge),
            ["icc-bomb.png"] = (CraftedFiles.PngWithChunks(png, ("iCCP", CraftedFiles.IccpData(gigabyteOfZeros))), ImageRejectionReasons.MetadataTooLarge),
            ["60000-markers.jpg"] = (CraftedFiles.JpegWithComments(TestImages.Jpeg(small), 60_000), ImageRejectionReasons.TooManyMarkers),
            ["20000x20000.png"] = (CraftedFiles.PngBomb(20_000, 20_000), ImageRejectionReasons.TooManyPixels),
            ["good.jpg"] = (TestImages.Jpeg(photo), "processed"),
        };

        var run = await RunAsync(expected.ToDictionary(e => e.Key, e => e.Value.Bytes), jobLoops: 2, maxConcurrentDecodes: 1);

        run.Outcomes.ShouldBe(expected.ToDictionary(e => e.Key, e => e.Value.Outcome), ignoreOrder: true);
        run.PeakRssBytes.ShouldBeGreaterThan(0);
        run.PeakRssBytes.ShouldBeLessThan(PeakBudget, "peak resident memory of the process that handled the bombs");
    }

    /// <summary>
    /// Four job loops each handed a photo at the same moment decode one at a time: libvips' peak of pixel buffers is
    /// that of one photo. The same run with the gate opened to four shows the overlap it prevents.
    /// </summary>
    [Fact]
    public async Task Decodes_wait_for_each_other_beyond_the_configured_number_however_many_jobs_run()
    {
        var photos = Enumerable.Range(0, 4).ToDictionary(i => $"photo-{i}.jpg", i =>
        {
            using var photo = TestImages.Teeth(2400, 1800, seed: 40 + i);
            return TestImages.Jpeg(photo);
        });

        var one = await RunAsync(photos.Take(1).ToDictionary(), jobLoops: 1, maxConcurrentDecodes: 1);
        var gated = await RunAsync(photos, jobLoops: 4, maxConcurrentDecodes: 1);
        var open = await RunAsync(photos, jobLoops: 4, maxConcurrentDecodes: 4);

        gated.Outcomes.Values.ShouldAllBe(o => o == "processed");
        open.Outcomes.Values.ShouldAllBe(o => o == "processed");
        ((double)open.VipsHighwaterBytes).ShouldBeGreaterThan(1.5 * one.VipsHighwaterBytes, "four decodes at once hold more: else this test could not fail");
        ((double)gated.VipsHighwaterBytes).ShouldBeLessThan(1.25 * one.VipsHighwaterBytes, "one decode at a time holds what one photo needs");
    }

    private sealed record Run(Dictionary<string, string> Outcomes, long PeakRssBytes, long VipsHighwaterBytes);

    /// <summary>Writes the files, runs <c>process-image</c> on them and reads its VmHWM before letting it exit.</summary>
    private async Task<Run> RunAsync(Dictionary<string, byte[]> files, int jobLoops, int maxConcurrentDecodes)
    {
        var folder = Directory.CreateTempSubdirectory("orthoscan-worker-memory-");
        try
        {
            var paths = new List<string>();
            foreach (var (name, bytes) in files)
            {
                paths.Add(Path.Combine(folder.FullName, name));
                await File.WriteAllBytesAsync(paths[^1], bytes);
            }

            var run = await RunChildAsync(paths, jobLoops, maxConcurrentDecodes);
            output.WriteLine($"{files.Count} file(s), {jobLoops} job loop(s), {maxConcurrentDecodes} decode(s) at once: peak RSS " +
                             $"{run.PeakRssBytes / 1048576.0:0.0} MB, libvips peak {run.VipsHighwaterBytes / 1048576.0:0.0} MB");
            foreach (var (name, outcome) in run.Outcomes) output.WriteLine($"  {name} ({files[name].Length:N0} bytes): {outcome}");
            return run;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task<Run> RunChildAsync(List<string> files, int jobLoops, int maxConcurrentDecodes)
    {
        var api = ApiBinary();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(api)!,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[api, "process-image", .. files]) start.ArgumentList.Add(argument);
        start.Environment["OrthoScan__Jobs__Concurrency"] = jobLoops.ToString(CultureInfo.InvariantCulture);
        start.Environment["OrthoScan__Imaging__MaxConcurrentDecodes"] = maxConcurrentDecodes.ToString(CultureInfo.InvariantCulture);

        using var child = Process.Start(start) ?? throw new InvalidOperationException("The API binary did not start.");
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var errors = child.StandardError.ReadToEndAsync(guard.Token);
        try
        {
            var outcomes = new Dictionary<string, string>();
            long vipsHighwater = 0;
            while (await child.StandardOutput.ReadLineAsync(guard.Token) is { } line)
            {
                using var json = JsonDocument.Parse(line);
                var root = json.RootElement;
                if (root.TryGetProperty("vipsMemHighwaterBytes", out var highwater))
                {
                    vipsHighwater = highwater.GetInt64();
                    break; // done: it now waits for its standard input to close
                }

                var outcome = root.TryGetProperty("reason", out var reason) ? reason : root.GetProperty("outcome");
                outcomes[Path.GetFileName(root.GetProperty("file").GetString()!)] = outcome.GetString()!;
            }

            if (outcomes.Count != files.Count)
            {
                throw new InvalidOperationException($"process-image answered {outcomes.Count} of {files.Count} files: {await errors}");
            }

            var peak = ReadPeakRss(child.Id);
            child.StandardInput.Close();
            await child.WaitForExitAsync(guard.Token);
            child.ExitCode.ShouldBe(0, await errors);
            return new Run(outcomes, peak, vipsHighwater);
        }
        finally
        {
            if (!child.HasExited) child.Kill(entireProcessTree: true);
        }
    }

    /// <summary>
    /// The API project's own build output (same configuration as this test assembly): the copy next to the tests has
    /// libvips under runtimes/, where the API's linux-x64 dependency manifest does not look.
    /// </summary>
    private static string ApiBinary()
    {
        var bin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)); // .../bin/Debug/net10.0
        var configuration = bin.Parent!.Name;
        for (var dir = bin; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrthoScan.sln")))
            {
                var api = Path.Combine(dir.FullName, "src", "OrthoScan.Api", "bin", configuration, bin.Name, "linux-x64", "OrthoScan.Api.dll");
                return File.Exists(api) ? api : throw new FileNotFoundException($"Build the API first ({configuration}).", api);
            }
        }

        throw new DirectoryNotFoundException($"No OrthoScan.sln above {bin.FullName}.");
    }

    private static long ReadPeakRss(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture) * 1024;
    }
}
