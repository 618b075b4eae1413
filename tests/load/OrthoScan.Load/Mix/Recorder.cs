using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace OrthoScan.Load.Mix;

/// <summary>What a route is for a user, and so which latency target it answers to.</summary>
internal enum RouteKind { DashboardRead, PatientRead, Upload, Write }

/// <summary>
/// Every request of the measured window, by route template (not by URL: ids and cursors vary): latency, status.
/// Requests that start before the window opens or finish after it closes are not counted, as in the review benchmark.
/// </summary>
internal sealed class Recorder
{
    private readonly ConcurrentDictionary<string, Route> _routes = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _opens = TimeSpan.MaxValue, _closes = TimeSpan.MaxValue;

    public TimeSpan Now => _clock.Elapsed;

    public void Open(TimeSpan from, TimeSpan to) => (_opens, _closes) = (from, to);

    public TimeSpan Window => _closes - _opens;

    public void Add(string route, RouteKind kind, TimeSpan start, TimeSpan end, int status, string? error)
    {
        if (start < _opens || end > _closes) return;
        var r = _routes.GetOrAdd(route, _ => new Route(kind));
        lock (r)
        {
            if (error is null) r.Latencies.Add((end - start).TotalMilliseconds);
            else
            {
                r.Errors++;
                if (r.FirstErrors.Count < 3) r.FirstErrors.Add($"{status} {error}");
            }
        }
    }

    private sealed class Route(RouteKind kind)
    {
        public RouteKind Kind { get; } = kind;
        public List<double> Latencies { get; } = [];
        public int Errors { get; set; }
        public List<string> FirstErrors { get; } = [];
    }

    public sealed record Line(string Route, RouteKind Kind, int Count, double Rps, double P50, double P95, double P99, double Max, int Errors);

    public List<Line> Lines() =>
        _routes.OrderBy(r => r.Value.Kind).ThenBy(r => r.Key, StringComparer.Ordinal).Select(r =>
        {
            var sorted = r.Value.Latencies.Order().ToList();
            return new Line(r.Key, r.Value.Kind, sorted.Count, sorted.Count / Window.TotalSeconds, Percentile(sorted, 50), Percentile(sorted, 95),
                Percentile(sorted, 99), sorted.Count == 0 ? double.NaN : sorted[^1], r.Value.Errors);
        }).ToList();

    public IEnumerable<string> FirstErrors() => _routes.SelectMany(r => r.Value.FirstErrors.Select(e => $"{r.Key}: {e}"));

    /// <summary>The same percentile over every request of a kind (not a mean of the routes' percentiles).</summary>
    public (int Count, double P99, int Errors) Overall(Func<RouteKind, bool> which)
    {
        var all = _routes.Where(r => which(r.Value.Kind)).SelectMany(r => r.Value.Latencies).Order().ToList();
        return (all.Count, Percentile(all, 99), _routes.Where(r => which(r.Value.Kind)).Sum(r => r.Value.Errors));
    }

    public static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    public string Markdown()
    {
        var s = new StringBuilder();
        s.AppendLine("| route | kind | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors |");
        s.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var l in Lines())
            s.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {l.Route} | {Describe(l.Kind)} | {l.Count} | {l.Rps:0.0} | {l.P50:0.0} | {l.P95:0.0} | {l.P99:0.0} | {l.Max:0} | {l.Errors} |"));
        return s.ToString();
    }

    public static string Describe(RouteKind kind) => kind switch
    {
        RouteKind.DashboardRead => "dashboard read",
        RouteKind.PatientRead => "app read",
        RouteKind.Upload => "upload",
        _ => "write",
    };
}
