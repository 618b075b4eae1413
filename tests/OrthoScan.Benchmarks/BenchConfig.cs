using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace OrthoScan.Benchmarks;

/// <summary>Default config plus managed allocations (MemoryDiagnoser) and the benchmark process's peak RSS.</summary>
public sealed class BenchConfig : ManualConfig
{
    public BenchConfig()
    {
        Add(DefaultConfig.Instance);
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(new PeakRssColumn());
        AddColumn(StatisticColumn.Min);
        AddColumn(StatisticColumn.Median);
        WithOptions(ConfigOptions.JoinSummary);
        // BenchmarkDotNet builds a project of its own first; its 2 min default timed out on the shared 2 cores
        // (load average 37), leaving every benchmark NA with exit code 0.
        WithBuildTimeout(TimeSpan.FromMinutes(10));
    }
}

/// <summary>
/// Peak resident set size (VmHWM) of the benchmark's own process, measured from the end of GlobalSetup (the
/// high-water mark is reset there) to GlobalCleanup, and left in a file by <see cref="PeakRss"/>. Includes the
/// runtime, the loaded libraries and the input JPEG; excludes the setup that generated it. Child processes
/// (the vipsthumbnail CLI) are not counted.
/// </summary>
public sealed class PeakRssColumn : IColumn
{
    public string Id => nameof(PeakRssColumn);
    public string ColumnName => "Peak RSS";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Size;
    public string Legend => "Peak resident set size of the benchmark process during the iterations (VmHWM; reset after setup)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var bytes = PeakRss.ReadResult(benchmarkCase.Descriptor.WorkloadMethod.Name);
        return bytes is null ? "?" : $"{bytes.Value / (1024.0 * 1024.0):0} MB";
    }

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
}
