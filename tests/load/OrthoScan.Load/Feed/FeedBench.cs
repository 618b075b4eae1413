using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Npgsql;
using OrthoScan.Load.Mix;
using OrthoScan.Load.Review;

namespace OrthoScan.Load.Feed;

/// <summary>
/// The review feed against its bare twin, honestly (docs/performance.md, "Review feed against raw Npgsql"):
///   feed-bare   the twin, in its own process (see <see cref="FeedBare"/>).
///   feed-run    this process is only the load: it signs in --doctors doctors of --practices-used practices (password +
///               TOTP through the API, one token each), then, --repeat times, measures the API and the twin one after
///               the other (the order alternating): --concurrency closed loops, each a doctor walking the queue page by
///               page (1 to --max-depth pages, following nextCursor) and starting again, the next walk as the next
///               doctor; the twin gets the same walks for the same practices. Prints every run, then the median and the
///               spread (min-max) of requests/s, p50 and p99 for each side and of the per-repeat throughput ratio.
/// </summary>
public static class FeedBench
{
    private const double RatioTarget = 0.40;

    public static bool Handles(string[] args) => args.Length > 0 && args[0] is "feed-bare" or "feed-run";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new BenchArgs(args);
        var ownerCs = BenchArgs.BenchOwnerConnectionString();
        if (args[0] == "feed-bare")
        {
            var port = options.Int("port", 5497);
            options.RequireAllRead();
            return await FeedBare.RunAsync(ownerCs, port);
        }

        var baseUrl = options.Url("base-url", "http://127.0.0.1:5495");
        var bareUrl = options.Url("bare-url", "http://127.0.0.1:5497");
        var run = (Doctors: options.Int("doctors", 32), Practices: options.Int("practices-used", 16), Concurrency: options.Int("concurrency", 32),
            MaxDepth: options.Int("max-depth", 8), Repeat: options.Int("repeat", 5), Warmup: TimeSpan.FromSeconds(options.Int("warmup-s", 5)),
            Duration: TimeSpan.FromSeconds(options.Int("duration-s", 15)), RatioVerdict: options.Int("ratio-verdict", 1) == 1);
        var statePath = options.Get("state", ".local/load/state.json");
        options.RequireAllRead();
        if (run.Repeat < 5) Console.WriteLine("feed-run: fewer than 5 repeats: the medians below are not the documented measure");

        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10), MaxConnectionsPerServer = 256 })
        {
            BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30),
        };
        var cast = await Cast.SignInAsync(http, ownerCs, Path.Combine(Path.GetDirectoryName(Path.GetFullPath(statePath))!, "totp-secrets.json"), run.Practices, run.Doctors, 0, 0);
        var doctors = cast.Doctors;
        Console.WriteLine($"feed-run: {doctors.Count} doctors of {doctors.Select(d => d.Practice).Distinct().Count()} practices signed in ({cast.SetupSeconds:0.0} s); " +
                          $"{run.Concurrency} loops, walks of 1-{run.MaxDepth} pages; {run.Repeat} repeats of {run.Warmup.TotalSeconds:0} s warm-up + {run.Duration.TotalSeconds:0} s; load average {Runner.LoadAverage()}");
        await PrintDepthsAsync(ownerCs, doctors);

        // Same document from both, for every practice, first page (links aside: they carry a nonce and an expiry).
        foreach (var d in doctors.DistinctBy(d => d.Practice))
            await Review.Runner.CheckSameShapeAsync(http, Api(d)(null), Bare(bareUrl, d)(null));

        var results = new List<(int Repeat, string Side, Runner.Result Result)>();
        for (var repeat = 1; repeat <= run.Repeat; repeat++)
        {
            var sides = new (string Side, Func<Cast.Member, Func<string?, HttpRequestMessage>> Make)[] { ("api", Api), ("bare", d => Bare(bareUrl, d)) };
            if (repeat % 2 == 0) Array.Reverse(sides);
            foreach (var (side, make) in sides)
            {
                var result = await WalkAsync(http, doctors, make, run.Concurrency, run.MaxDepth, run.Warmup, run.Duration);
                results.Add((repeat, side, result));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  repeat {repeat} feed {side,-4} {result.Rps,8:0.0} req/s  p50 {result.P50,6:0.0} ms  p99 {result.P99,6:0.0} ms  n={result.Count} errors={result.Errors}  load {Runner.LoadAverage()}"));
            }
        }

        Console.WriteLine();
        Console.WriteLine($"MEDIANS (spread min-max) over {run.Repeat} repeats:");
        Console.WriteLine("| feed | requests/s | p50 ms | p99 ms | errors |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var side in new[] { "api", "bare" })
        {
            var mine = results.Where(r => r.Side == side).Select(r => r.Result).ToList();
            Console.WriteLine($"| {(side == "api" ? "API (auth, RLS, audit)" : "bare twin (raw Npgsql, same SQL)")} | {Spread(mine.Select(r => r.Rps))} | {Spread(mine.Select(r => r.P50))} | {Spread(mine.Select(r => r.P99))} | {mine.Sum(r => r.Errors)} |");
        }
        var ratios = results.Where(r => r.Side == "api").Join(results.Where(r => r.Side == "bare"), a => a.Repeat, b => b.Repeat, (a, b) => a.Result.Rps / b.Result.Rps).ToList();
        var ratio = Median(ratios);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"feed api / bare throughput: median {ratio:0.00}, spread {ratios.Min():0.00}-{ratios.Max():0.00} (per repeat {string.Join(", ", ratios.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)))}); target >= {RatioTarget:0.00}: {(ratio >= RatioTarget ? "MET" : "NOT MET")}"));
        // The smoke (one short repeat) proves the path works; the ratio counts only over the documented repeats.
        return results.All(r => r.Result.Errors == 0) && (ratio >= RatioTarget || !run.RatioVerdict) ? 0 : 1;
    }

    private static Func<string?, HttpRequestMessage> Api(Cast.Member doctor) => cursor =>
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/dashboard/feed?limit=20" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", doctor.Token);
        return request;
    };

    private static Func<string?, HttpRequestMessage> Bare(Uri bareUrl, Cast.Member doctor) => cursor =>
        new HttpRequestMessage(HttpMethod.Get, new Uri(bareUrl, $"bare/dashboard/feed?limit=20&practiceId={doctor.Practice.Id}" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))));

    /// <summary>Closed loops; each walk is a doctor paging through the queue; counted as in Runner.LoadAsync.</summary>
    private static async Task<Runner.Result> WalkAsync(HttpClient http, List<Cast.Member> doctors, Func<Cast.Member, Func<string?, HttpRequestMessage>> make,
        int concurrency, int maxDepth, TimeSpan warmup, TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        var end = warmup + duration;
        var walks = -1;
        var perLoop = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(loop => Task.Run(async () =>
        {
            var latencies = new List<double>();
            var errors = 0;
            var random = new Random(loop);
            while (clock.Elapsed < end)
            {
                var request = make(doctors[Interlocked.Increment(ref walks) % doctors.Count]);
                string? cursor = null;
                for (var page = random.Next(1, maxDepth + 1); page > 0 && clock.Elapsed < end; page--)
                {
                    var start = clock.Elapsed;
                    var ok = false;
                    try
                    {
                        using var response = await http.SendAsync(request(cursor));
                        var body = await response.Content.ReadAsStringAsync();
                        ok = response.StatusCode == HttpStatusCode.OK;
                        cursor = ok ? JsonNode.Parse(body)!["nextCursor"]?.GetValue<string>() : null;
                    }
                    catch (HttpRequestException)
                    {
                    }
                    var finish = clock.Elapsed;
                    if (start >= warmup && finish <= end)
                    {
                        if (ok) latencies.Add((finish - start).TotalMilliseconds);
                        else errors++;
                    }
                    if (cursor is null) break;
                }
            }
            return (latencies, errors);
        })));
        var all = perLoop.SelectMany(l => l.latencies).Order().ToList();
        return new Runner.Result(0, "feed", all.Count / duration.TotalSeconds, Runner.Percentile(all, 50), Runner.Percentile(all, 99), perLoop.Sum(l => l.errors), all.Count);
    }

    /// <summary>How deep the queues are: how many pages a walk can really go.</summary>
    private static async Task PrintDepthsAsync(string ownerCs, List<Cast.Member> doctors)
    {
        await using var db = NpgsqlDataSource.Create(ownerCs);
        await using var cmd = db.CreateCommand("SELECT count(*) FROM scan_sessions WHERE practice_id = ANY(@p) AND status = 'ready' GROUP BY practice_id");
        cmd.Parameters.AddWithValue("p", doctors.Select(d => d.Practice.Id).Distinct().ToArray());
        var counts = new List<long>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) counts.Add(r.GetInt64(0));
        Console.WriteLine($"ready scans per practice in the run: min {counts.Min()}, median {counts.Order().ElementAt(counts.Count / 2)}, max {counts.Max()} (20 a page)");
    }

    private static string Spread(IEnumerable<double> values)
    {
        var list = values.ToList();
        return string.Create(CultureInfo.InvariantCulture, $"{Median(list):0.0} ({list.Min():0.0}-{list.Max():0.0})");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
