using System.Globalization;

namespace OrthoScan.Load.Mix;

/// <summary>
/// CPU and memory of the server processes while the load runs, from /proc: the API, the worker, and PostgreSQL (the
/// postmaster and every backend it forked). CPU is in percent of one core, averaged over the measured window; memory
/// is the peak resident set seen (for PostgreSQL, the sum over its processes, shared buffers counted in each that touched them).
/// </summary>
internal sealed class ProcessSampler(IReadOnlyDictionary<string, int> roots) : IAsyncDisposable
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, (double CpuSeconds, long PeakRssKib)> _peaks = [];
    private Dictionary<string, double> _cpuAtOpen = [];
    private Dictionary<string, double> _cpuAtClose = [];
    private TimeSpan _openedAt, _closedAt;
    private Task? _loop;

    public void Start(Func<TimeSpan> clock) => _loop = Task.Run(async () =>
    {
        while (!_stop.IsCancellationRequested)
        {
            foreach (var (name, (cpu, rss)) in Sample())
            {
                lock (_peaks) _peaks[name] = (cpu, Math.Max(rss, _peaks.GetValueOrDefault(name).PeakRssKib));
            }
            try { await Task.Delay(500, _stop.Token); } catch (OperationCanceledException) { }
        }
    });

    public void Open(TimeSpan at) => (_cpuAtOpen, _openedAt) = (Sample().ToDictionary(s => s.Key, s => s.Value.CpuSeconds), at);

    public void Close(TimeSpan at) => (_cpuAtClose, _closedAt) = (Sample().ToDictionary(s => s.Key, s => s.Value.CpuSeconds), at);

    public string Markdown()
    {
        var seconds = (_closedAt - _openedAt).TotalSeconds;
        var lines = new List<string> { "| process | CPU (% of one core, mean) | peak RSS MiB |", "|---|---:|---:|" };
        foreach (var name in roots.Keys)
        {
            var cpu = _cpuAtClose.GetValueOrDefault(name) - _cpuAtOpen.GetValueOrDefault(name);
            long peak;
            lock (_peaks) peak = _peaks.GetValueOrDefault(name).PeakRssKib;
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"| {name} | {100 * cpu / seconds:0} | {peak / 1024.0:0} |"));
        }
        var machine = File.ReadAllText("/proc/loadavg").Split(' ');
        lines.Add($"| (machine load average 1/5/15 min) | {machine[0]} / {machine[1]} / {machine[2]} | {Environment.ProcessorCount} cores |");
        return string.Join('\n', lines) + "\n";
    }

    private Dictionary<string, (double CpuSeconds, long RssKib)> Sample()
    {
        var parents = new Dictionary<int, int>();
        var stats = new Dictionary<int, (double Cpu, long Rss)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                // Fields after the command name (which may hold spaces): state ppid ... utime(14) stime(15) ... rss(24) pages.
                var stat = File.ReadAllText($"{dir}/stat");
                var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(f[1], CultureInfo.InvariantCulture);
                var cpu = (double.Parse(f[11], CultureInfo.InvariantCulture) + double.Parse(f[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
                stats[pid] = (cpu, long.Parse(f[21], CultureInfo.InvariantCulture) * (Environment.SystemPageSize / 1024));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // The process ended between the listing and the read.
            }
        }
        var result = new Dictionary<string, (double, long)>();
        foreach (var (name, root) in roots)
        {
            double cpu = 0;
            long rss = 0;
            foreach (var (pid, s) in stats)
            {
                if (pid != root && parents.GetValueOrDefault(pid) != root) continue;
                cpu += s.Cpu;
                rss += s.Rss;
            }
            result[name] = (cpu, rss);
        }
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null) await _loop;
        _stop.Dispose();
    }
}
