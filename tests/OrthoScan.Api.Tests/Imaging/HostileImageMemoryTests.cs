using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using OrthoScan.Api.Infrastructure.Imaging;
using Shouldly;
using Xunit.Abstractions;

namespace OrthoScan.Api.Tests.Imaging;

/// <summary>
/// The bomb files of issue 10 go through the worker's image code in a process of its own (the API binary's
/// <c>process-image</c> command, two files at a time like the worker's two job loops), and that process's peak
/// resident memory (VmHWM, read by this test from /proc/PID/status) stays under 300 MB while every bomb is refused.
/// </summary>
[Collection(SerialImagingCollection.Name)]
public sealed class HostileImageMemoryTests(ITestOutputHelper output)
{
    private const long PeakBudget = 300L * 1024 * 1024;
    private const long OneGiB = 1024L * 1024 * 1024;

    [Fact]
    public async Task The_worker_refuses_every_bomb_with_a_peak_memory_under_300_MB()
    {
        var folder = Directory.CreateTempSubdirectory("orthoscan-bombs-");
        try
        {
            var expected = WriteFiles(folder.FullName);
            foreach (var file in expected.Keys) output.WriteLine($"{Path.GetFileName(file)}: {new FileInfo(file).Length:N0} bytes");

            var (outcomes, peak) = await RunWorkerImageCodeAsync([.. expected.Keys]);

            output.WriteLine($"peak RSS of the process-image child: {peak / (1024.0 * 1024):0.0} MB");
            foreach (var outcome in outcomes.Values) output.WriteLine(outcome.ToString());
            var seen = outcomes.ToDictionary(
                o => Path.GetFileName(o.Key),
                o => (o.Value.TryGetProperty("reason", out var reason) ? reason : o.Value.GetProperty("outcome")).GetString() ?? "");
            seen.ShouldBe(expected.ToDictionary(e => Path.GetFileName(e.Key), e => e.Value ?? "processed"), ignoreOrder: true);

            peak.ShouldBeGreaterThan(0);
            peak.ShouldBeLessThan(PeakBudget, "peak resident memory of the process that handled the bombs");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The files, each with the rejection reason expected (null: a good photo, processed).</summary>
    private static Dictionary<string, string?> WriteFiles(string folder)
    {
        using var small = TestImages.Teeth(320, 240, seed: 3);
        var png = TestImages.Png(small);
        var gigabyteOfZeros = CraftedFiles.ZlibOfZeros(OneGiB);
        using var photo = TestImages.Teeth(1600, 1200, seed: 4);

        var files = new Dictionary<string, (byte[] Bytes, string? Reason)>
        {
            ["ztxt-bomb.png"] = (CraftedFiles.PngWithChunks(png, ("zTXt", CraftedFiles.ZtxtData(gigabyteOfZeros))), ImageRejectionReasons.MetadataTooLarge),
            ["itxt-bomb.png"] = (CraftedFiles.PngWithChunks(png, ("iTXt", CraftedFiles.CompressedItxtData(gigabyteOfZeros))), ImageRejectionReasons.MetadataTooLarge),
            ["icc-bomb.png"] = (CraftedFiles.PngWithChunks(png, ("iCCP", CraftedFiles.IccpData(gigabyteOfZeros))), ImageRejectionReasons.MetadataTooLarge),
            ["60000-markers.jpg"] = (CraftedFiles.JpegWithComments(TestImages.Jpeg(small), 60_000), ImageRejectionReasons.TooManyMarkers),
            ["20000x20000.png"] = (CraftedFiles.PngBomb(20_000, 20_000), ImageRejectionReasons.TooManyPixels),
            ["good.jpg"] = (TestImages.Jpeg(photo), null),
        };

        var expected = new Dictionary<string, string?>();
        foreach (var (name, (bytes, reason)) in files)
        {
            var path = Path.Combine(folder, name);
            File.WriteAllBytes(path, bytes);
            expected[path] = reason;
        }

        return expected;
    }

    /// <summary>Starts <c>OrthoScan.Api process-image</c> on the files and reads its VmHWM before letting it exit.</summary>
    private static async Task<(Dictionary<string, JsonElement> Outcomes, long PeakBytes)> RunWorkerImageCodeAsync(string[] files)
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
        start.Environment["OrthoScan__Jobs__Concurrency"] = "2";

        using var child = Process.Start(start) ?? throw new InvalidOperationException("The API binary did not start.");
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var errors = child.StandardError.ReadToEndAsync(guard.Token);
        try
        {
            var outcomes = new Dictionary<string, JsonElement>();
            while (await child.StandardOutput.ReadLineAsync(guard.Token) is { } line)
            {
                using var json = JsonDocument.Parse(line);
                if (json.RootElement.TryGetProperty("peakRssBytes", out _)) break; // done: it now waits for stdin to close
                outcomes[json.RootElement.GetProperty("file").GetString()!] = json.RootElement.Clone();
            }

            if (outcomes.Count != files.Length)
            {
                throw new InvalidOperationException($"process-image answered {outcomes.Count} of {files.Length} files: {await errors}");
            }

            var peak = ReadPeakRss(child.Id);
            child.StandardInput.Close();
            await child.WaitForExitAsync(guard.Token);
            child.ExitCode.ShouldBe(0, await errors);
            return (outcomes, peak);
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
