using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using StackExchange.Redis;

namespace OrthoScan.Load.Review;

/// <summary>
/// Runs the review benchmarks: each repeat measures the API endpoint and its bare twin one after the other (the order
/// alternates between repeats so that drift in the background load does not favour one side), then tag submission.
/// Prints one row per measurement, then the medians over the repeats with the ratios and the targets.
/// </summary>
internal static class Runner
{
    private const double TagP99Target = 30;

    public static async Task<int> RunAsync(Api api, HttpClient http, string ownerCs, BenchState state, RunOptions options)
    {
        await using var bare = new BareServer(ownerCs, options.BarePort);
        await bare.StartAsync();
        await using var owner = NpgsqlDataSource.Create(ownerCs);
        using var multiplexer = await ConnectionMultiplexer.ConnectAsync(Environment.GetEnvironmentVariable("ConnectionStrings__Redis") ?? "127.0.0.1:6379");
        var redis = multiplexer.GetDatabase();
        // PracticeCache's generation key (Infrastructure/Caching): bumping it orphans every cached read model of the practice.
        var generationKey = $"{Environment.GetEnvironmentVariable("OrthoScan__Redis__KeyPrefix") ?? "orthoscan:"}cache:{state.PracticeId}:generation";
        var results = new List<Result>();
        Console.WriteLine($"review-run: {options.Concurrency} connections, warm-up {options.Warmup.TotalSeconds:0} s, measured {options.Duration.TotalSeconds:0} s, " +
                          $"{options.Repeat} repeat(s); tags: {options.TagCount} distinct ready sessions at {options.TagConcurrency} concurrent; load average {LoadAverage()}");
        for (var repeat = 1; repeat <= options.Repeat; repeat++)
        {
            var token = await state.SignInAsync(api);
            var apiFirst = repeat % 2 == 1;
            if (options.Only.Contains("analytics"))
            {
                var analyticsApi = () => Get("api/v1/dashboard/analytics", token);
                var analyticsBare = () => Get(new Uri(bare.BaseUrl, $"bare/dashboard/analytics?practiceId={state.PracticeId}").ToString(), null);
                await CheckSameShapeAsync(http, analyticsApi()(), analyticsBare()());
                // Cold: the practice's cache generation moves on before every request, as a new tag set would do. A request
                // that still met a cached answer (computed by a request that started before it) is not counted.
                var cold = new Func<Task>(() => redis.StringIncrementAsync(generationKey));
                var hit = new Func<string, DateTime, bool>((body, startedAt) => JsonNode.Parse(body)!["generatedAt"]!.GetValue<DateTime>() < startedAt);
                var runs = new List<(string Name, Func<Func<HttpRequestMessage>> Make, Func<Task>? Before, Func<string, DateTime, bool>? Exclude)>
                {
                    ("analytics api cold", analyticsApi, cold, hit), ("analytics bare", analyticsBare, null, null), ("analytics api warm (cached)", analyticsApi, null, null),
                };
                if (!apiFirst) runs.Reverse();
                foreach (var (name, make, before, exclude) in runs)
                    results.Add(Print(await LoadAsync(repeat, name, http, make, options.Concurrency, options.Warmup, options.Duration, before, exclude)));
                if (options.ProbeSeconds > 0)
                {
                    results.Add(Print(await LoadAsync(repeat, "analytics api cold, 1 connection", http, analyticsApi, 1, TimeSpan.FromSeconds(2),
                        TimeSpan.FromSeconds(options.ProbeSeconds), cold, hit)));
                    results.Add(Print(await LoadAsync(repeat, "analytics bare, 1 connection", http, analyticsBare, 1, TimeSpan.FromSeconds(2),
                        TimeSpan.FromSeconds(options.ProbeSeconds))));
                }
            }
            if (options.Only.Contains("tags"))
            {
                results.Add(Print(await TagAsync(repeat, http, owner, state, token, options.TagConcurrency, options.TagCount)));
                if (options.ProbeSeconds > 0) results.Add(Print(await TagAsync(repeat, http, owner, state, token, 1, Math.Max(50, options.TagCount / 5))));
            }
        }

        Console.WriteLine();
        Console.WriteLine($"MEDIANS over {options.Repeat} repeat(s) (load average now {LoadAverage()})");
        Console.WriteLine("| what | requests/s | p50 ms | p99 ms | errors |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        var medians = results.GroupBy(r => r.Name).Select(g => new Result(0, g.Key, Median(g.Select(r => r.Rps)), Median(g.Select(r => r.P50)),
            Median(g.Select(r => r.P99)), g.Sum(r => r.Errors), g.Sum(r => r.Count))).ToList();
        foreach (var m in medians)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {m.Name} | {m.Rps:0.0} | {m.P50:0.0} | {m.P99:0.0} | {m.Errors} |"));
        var ok = true;
        if (medians.FirstOrDefault(m => m.Name == "analytics bare") is { } ab)
        {
            foreach (var kind in new[] { "analytics api cold", "analytics api warm (cached)" })
            {
                var ratios = results.Where(r => r.Name == kind).Join(results.Where(r => r.Name == "analytics bare"), r => r.Repeat, r => r.Repeat, (a, b) => a.Rps / b.Rps).ToList();
                if (ratios.Count == 0) continue;
                var m = medians.First(x => x.Name == kind);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{kind} / bare throughput: median {Median(ratios):0.00} (per repeat {string.Join(", ", ratios.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)))}); p99 {m.P99:0.0} ms vs bare {ab.P99:0.0} ms"));
            }
        }
        foreach (var t in medians.Where(m => m.Name.StartsWith("tag submission", StringComparison.Ordinal)))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{t.Name} p99 {t.P99:0.0} ms; target < {TagP99Target} ms: {(t.P99 < TagP99Target ? "MET" : "NOT MET")}"));
        foreach (var m in medians) ok &= m.Errors == 0;
        return ok ? 0 : 1;
    }

    internal sealed record Result(int Repeat, string Name, double Rps, double P50, double P99, int Errors, int Count, int Excluded = 0);

    private static Result Print(Result r)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  repeat {r.Repeat} {r.Name,-34} {r.Rps,8:0.0} req/s  p50 {r.P50,7:0.0} ms  p99 {r.P99,7:0.0} ms  n={r.Count} errors={r.Errors}{(r.Excluded > 0 ? $" cache-hits-excluded={r.Excluded}" : "")}  load {LoadAverage()}"));
        return r;
    }

    private static Func<HttpRequestMessage> Get(string url, string? token) => () =>
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    };

    /// <summary>The twin must answer the same document (apart from signed URLs, which carry a nonce and expiry, and generatedAt).</summary>
    internal static async Task CheckSameShapeAsync(HttpClient http, HttpRequestMessage a, HttpRequestMessage b)
    {
        static async Task<JsonNode> Fetch(HttpClient http, HttpRequestMessage request)
        {
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {text}");
            return Strip(JsonNode.Parse(text)!);
        }
        static JsonNode Strip(JsonNode node)
        {
            if (node is JsonObject o)
            {
                foreach (var (key, value) in o.ToList())
                {
                    if ((key.EndsWith("Url", StringComparison.Ordinal) || key == "generatedAt") && value is not null) o[key] = "stripped";
                    else if (value is not null) Strip(value);
                }
            }
            else if (node is JsonArray arr) foreach (var item in arr) if (item is not null) Strip(item);
            return node;
        }
        var (x, y) = (await Fetch(http, a), await Fetch(http, b));
        if (!JsonNode.DeepEquals(x, y)) throw new InvalidOperationException($"the bare twin answers a different document:\n{x.ToJsonString()[..Math.Min(600, x.ToJsonString().Length)]}\n{y.ToJsonString()[..Math.Min(600, y.ToJsonString().Length)]}");
    }

    /// <summary>
    /// Closed loop: <paramref name="concurrency"/> workers each send a request, read the whole answer, and send the next.
    /// Requests that start after the warm-up and finish before its end count; requests/s = counted / duration.
    /// </summary>
    internal static async Task<Result> LoadAsync(int repeat, string name, HttpClient http, Func<Func<HttpRequestMessage>> make, int concurrency,
        TimeSpan warmup, TimeSpan duration, Func<Task>? before = null, Func<string, DateTime, bool>? exclude = null)
    {
        var clock = Stopwatch.StartNew();
        var end = warmup + duration;
        var create = make();
        var perWorker = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<double>();
            var errors = 0;
            var excluded = 0;
            while (clock.Elapsed < end)
            {
                if (before is not null) await before();
                var startedAt = DateTime.UtcNow;
                var start = clock.Elapsed;
                var ok = false;
                var skip = false;
                try
                {
                    using var request = create();
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
                    ok = response.StatusCode == HttpStatusCode.OK;
                    if (ok && exclude is not null) skip = exclude(await response.Content.ReadAsStringAsync(), startedAt);
                }
                catch (HttpRequestException)
                {
                }
                var finish = clock.Elapsed;
                if (start < warmup || finish > end) continue;
                if (skip) excluded++;
                else if (ok) latencies.Add((finish - start).TotalMilliseconds);
                else errors++;
            }
            return (latencies, errors, excluded);
        })));
        var all = perWorker.SelectMany(w => w.latencies).Order().ToList();
        return new Result(repeat, name, all.Count / duration.TotalSeconds, Percentile(all, 50), Percentile(all, 99), perWorker.Sum(w => w.errors), all.Count,
            perWorker.Sum(w => w.excluded));
    }

    /// <summary>
    /// Tag submission: distinct ready sessions of the bench practice (the newest, so the feed's first page stays the same),
    /// <see cref="RunOptions.TagConcurrency"/> at a time, each tagged once by the owner (a doctor's role). The first
    /// 5 % are warm-up. Afterwards the sessions are put back to ready, so that every repeat tags the same sessions.
    /// </summary>
    private static async Task<Result> TagAsync(int repeat, HttpClient http, NpgsqlDataSource owner, BenchState state, string token, int concurrency, int count)
    {
        var warmup = Math.Max(8, count / 20);
        var ids = new List<Guid>();
        await using (var cmd = owner.CreateCommand(
                         "SELECT id FROM scan_sessions WHERE practice_id = @p AND status = 'ready' ORDER BY submitted_at DESC LIMIT @n"))
        {
            cmd.Parameters.AddWithValue("p", state.PracticeId);
            cmd.Parameters.AddWithValue("n", count + warmup);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) ids.Add(r.GetGuid(0));
        }
        if (ids.Count < count + warmup) throw new InvalidOperationException($"only {ids.Count} ready sessions in the bench practice");

        var next = -1;
        var clock = Stopwatch.StartNew();
        TimeSpan measuredFrom = default;
        var perWorker = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<double>();
            var errors = 0;
            int i;
            while ((i = Interlocked.Increment(ref next)) < ids.Count)
            {
                var body = new
                {
                    taxonomyVersion = "2026.1", overallTracking = 1 + (i % 3), alignerFit = (int?)(i % 7 == 0 ? null : 1), oralHygiene = 1 + (i % 2),
                    detailTags = i % 4 == 0 ? new[] { new { code = "plaque", location = "lower_anterior" } } : [],
                    action = i % 10 == 0 ? "hold_aligner" : "approve_progression", holdDays = i % 10 == 0 ? (int?)3 : null, notes = (string?)null,
                    reviewOpenedAt = DateTime.UtcNow.AddSeconds(-20),
                };
                using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/scans/sessions/{ids[i]}/tags") { Content = JsonContent.Create(body) };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                var start = clock.Elapsed;
                using var response = await http.SendAsync(request);
                await response.Content.ReadAsByteArrayAsync();
                var elapsed = (clock.Elapsed - start).TotalMilliseconds;
                if (i == warmup) measuredFrom = start;
                if (i < warmup) continue;
                if (response.StatusCode == HttpStatusCode.Created) latencies.Add(elapsed);
                else
                {
                    errors++;
                    if (errors <= 3) await Console.Error.WriteLineAsync($"tag {ids[i]}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
            return (latencies, errors);
        })));
        var seconds = (clock.Elapsed - measuredFrom).TotalSeconds;
        var all = perWorker.SelectMany(w => w.latencies).Order().ToList();

        // Back to ready for the next repeat (the owner's tag sets on these sessions go; patient stages stay advanced).
        await using (var cmd = owner.CreateCommand(
                         "DELETE FROM tag_sets WHERE session_id = ANY(@ids) AND tagged_by = @m; " +
                         "UPDATE scan_sessions SET status = 'ready', reviewed_by = NULL, reviewed_at = NULL, patient_feedback = NULL WHERE id = ANY(@ids)"))
        {
            cmd.Parameters.AddWithValue("ids", ids.ToArray());
            cmd.Parameters.AddWithValue("m", state.OwnerMemberId);
            await cmd.ExecuteNonQueryAsync();
        }
        return new Result(repeat, concurrency == 1 ? "tag submission, 1 connection" : $"tag submission, {concurrency} connections", all.Count / seconds, Percentile(all, 50), Percentile(all, 99),
            perWorker.Sum(w => w.errors), all.Count);
    }

    /// <summary>Nearest-rank percentile.</summary>
    internal static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    internal static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
