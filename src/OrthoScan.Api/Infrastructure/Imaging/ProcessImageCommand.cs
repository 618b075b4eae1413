using System.Globalization;
using System.Text.Json;
using OrthoScan.Api.Infrastructure.Jobs;

namespace OrthoScan.Api.Infrastructure.Imaging;

/// <summary>
/// <c>OrthoScan.Api process-image FILE...</c>: runs the worker's image code (the same <see cref="ImageProcessor"/>
/// registration, as many files at once as the worker runs jobs) on files, without a database, and prints one JSON line
/// per file and one with the process's peak resident memory (and libvips' peak of pixel buffers). It exists so that hostile files can be measured in a
/// process of their own (see HostileImageMemoryTests and docs/performance.md). When standard input is redirected it
/// waits for it to close before exiting, so that a parent can read this process's /proc status first.
/// </summary>
internal static class ProcessImageCommand
{
    public static async Task<int> RunAsync(IConfiguration configuration, IReadOnlyList<string> files)
    {
        if (files.Count == 0)
        {
            await Console.Error.WriteLineAsync("usage: OrthoScan.Api process-image FILE...");
            return 2;
        }

        var services = new ServiceCollection().AddImaging(configuration);
        services.AddOptions<JobsOptions>().Bind(configuration.GetSection(JobsOptions.Section));
        await using var provider = services.BuildServiceProvider();
        var processor = provider.GetRequiredService<ImageProcessor>();
        var concurrency = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<JobsOptions>>().Value.Concurrency;

        var output = new object();
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (file, ct) =>
        {
            var line = Outcome(processor, file, await ReadAsync(file, processor.Limits.MaxBytes, ct));
            lock (output) Console.WriteLine(line);
        });

        // libvips' own count of the pixel buffers it held at most at once: decodes that overlapped add up in it.
        Console.WriteLine(JsonSerializer.Serialize(new { peakRssBytes = PeakResidentBytes(), vipsMemHighwaterBytes = NetVips.Stats.MemHighwater }));
        await Console.Out.FlushAsync();
        if (Console.IsInputRedirected) await Console.In.ReadToEndAsync();
        return 0;
    }

    /// <summary>At most one byte past the limit, as the worker reads an upload: a longer file is refused as too_large.</summary>
    private static async Task<byte[]> ReadAsync(string file, long maxBytes, CancellationToken ct)
    {
        await using var stream = File.OpenRead(file);
        var bytes = new byte[Math.Min(stream.Length, maxBytes + 1)];
        await stream.ReadExactlyAsync(bytes, ct);
        return bytes;
    }

    private static string Outcome(ImageProcessor processor, string file, byte[] bytes)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var result = processor.Process(bytes);
            return JsonSerializer.Serialize(new
            {
                file, outcome = "processed", result.Width, result.Height, result.Quality.Score, result.Quality.Reasons,
                ms = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            }, JsonSerializerOptions.Web);
        }
        catch (ImageRejectedException e)
        {
            return JsonSerializer.Serialize(new
            {
                file, outcome = "rejected", e.Reason, ms = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            }, JsonSerializerOptions.Web);
        }
    }

    /// <summary>VmHWM of this process, in bytes (0 where /proc is not there).</summary>
    private static long PeakResidentBytes()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return 0;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line["VmHWM:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture) * 1024;
    }
}
