using System.Diagnostics;
using OrthoScan.Api.Infrastructure.Audit;
using OrthoScan.Ml.Datasets;

namespace OrthoScan.Api.Features.Exports;

/// <summary>
/// <c>export-tags --out FILE [--seed N] [--k K] [--images] [--frontal]</c> on the API binary: the export job's code path
/// (<see cref="TagDataset"/>) into a local ZIP, without a tag_exports row or the blob store; images are left out unless
/// asked for. For operators and the export benchmark (docs/performance.md). Audited in the platform chain as the CLI.
/// </summary>
public static class ExportTagsCommand
{
    public const string Usage = "usage: export-tags --out FILE [--seed N] [--k 5..50] [--images] [--frontal]";

    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        string? path = null;
        var seed = 1;
        var k = StartTagExport.DefaultK;
        bool images = false, frontal = false;
        for (var i = 0; i < args.Count; i++)
        {
            var ok = args[i] switch
            {
                "--out" when i + 1 < args.Count => (path = args[++i]) is not null,
                "--seed" when i + 1 < args.Count => int.TryParse(args[++i], out seed) && seed is >= 0 and <= StartTagExport.MaxSeed,
                "--k" when i + 1 < args.Count => int.TryParse(args[++i], out k) && k is >= KAnonymity.MinimumK and <= StartTagExport.MaxK,
                "--images" => images = true,
                "--frontal" => frontal = true,
                _ => false,
            };
            if (!ok) return await UsageAsync(error);
        }
        if (string.IsNullOrWhiteSpace(path)) return await UsageAsync(error);

        await using var scope = services.CreateAsyncScope();
        var dataset = scope.ServiceProvider.GetRequiredService<TagDataset>();
        var started = Stopwatch.GetTimestamp();
        await using var planned = await dataset.PlanAsync(k, CancellationToken.None);
        var options = new DatasetOptions(seed, images, images && frontal, k, TagDataset.GeneratorVersion);
        DatasetReport report;
        await using (var zip = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
            report = await dataset.WriteAsync(zip, options, planned, null, null, int.MaxValue, CancellationToken.None);
        var elapsed = Stopwatch.GetElapsedTime(started);
        await scope.ServiceProvider.GetRequiredService<PlatformAuditWriter>().WriteAsync(
            new PlatformAuditRecord(null, PlatformAuditWriter.CliActorRole, "Exports.ExportTagsCommand", "tag_export", null, null, null), CancellationToken.None);

        await output.WriteLineAsync(
            $"Wrote {path}: {report.TagSets} tag sets of {planned.TagSets} counted ({report.Patients} patients, {report.SuppressedPatients} suppressed, " +
            $"{report.GeneralisedPatients} generalised), {report.Images} images, {new FileInfo(path).Length} bytes in {elapsed.TotalSeconds:0.00} s " +
            $"({report.TagSets / Math.Max(elapsed.TotalSeconds, 0.001):0} tag sets/s); peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MiB.");
        return 0;
    }

    private static async Task<int> UsageAsync(TextWriter error)
    {
        await error.WriteLineAsync(Usage);
        return 2;
    }
}
