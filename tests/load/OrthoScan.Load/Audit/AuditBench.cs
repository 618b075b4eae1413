using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Npgsql;
using OrthoScan.Load.Review;

namespace OrthoScan.Load.Audit;

/// <summary>
/// Audit benchmark of issue 10 (docs/performance.md, "Audit without a practice-wide lock"):
///   audit-run   one practice, one patient, GET /api/v1/patients/{id} (an audited read) at --concurrency connections on two
///               API processes over the same database: one with auditing on (--audited-url) and one with
///               OrthoScan:Audit:Enabled=false (--plain-url). Both are first pre-warmed under the same load, twice in
///               turn (--prewarm-s each, not counted). Each repeat then measures both, one after the other (the order
///               alternates), and after the audited run waits until the sealer has chained every row (printed as the
///               seal lag), so a backlog never runs into the next measurement. At the end the chain must verify.
///               Prints per-repeat throughputs, the audited / plain ratio per repeat, its median and spread.
///   CPU         with --audited-pid, --plain-pid (and --worker-pid when the sealer runs apart) and --database it also
///               prints the CPU time per request of each measured window: the .NET process(es) plus the PostgreSQL
///               backends of that database (one side is loaded at a time, so their time belongs to it). On shared
///               cores throughput follows whatever CPU other work leaves; CPU per request shows the cost more steadily.
/// The old code (chain written in the request) has no audit_seals: nothing is ever left to seal there.
/// </summary>
public static class AuditBench
{
    private const double RatioTarget = 0.80;

    public static bool Handles(string[] args) => args.Length > 0 && args[0] == "audit-run";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new BenchArgs(args);
        var auditedUrl = new Uri(options.Get("audited-url", "http://127.0.0.1:5097").TrimEnd('/') + "/");
        var plainUrl = new Uri(options.Get("plain-url", "http://127.0.0.1:5098").TrimEnd('/') + "/");
        var concurrency = options.Int("concurrency", 32);
        var warmup = TimeSpan.FromSeconds(options.Int("warmup-s", 3));
        var duration = TimeSpan.FromSeconds(options.Int("duration-s", 10));
        var repeat = options.Int("repeat", 5);
        var prewarm = TimeSpan.FromSeconds(options.Int("prewarm-s", 15));
        var sealTimeout = TimeSpan.FromSeconds(options.Int("seal-timeout-s", 120));
        var auditedPid = options.Int("audited-pid", 0);
        var plainPid = options.Int("plain-pid", 0);
        var workerPid = options.Int("worker-pid", 0);
        var database = options.Get("database", "");
        options.RequireAllRead();
        Loopback.Require(auditedUrl);
        Loopback.Require(plainUrl);

        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10), MaxConnectionsPerServer = 256 })
        {
            BaseAddress = auditedUrl,
            Timeout = TimeSpan.FromSeconds(60),
        };
        var api = new Api(http, auditedUrl);
        var owner = await api.RegisterPracticeAsync();
        var patient = await api.SendAsJsonAsync(HttpMethod.Post, "/api/v1/patients", owner.AccessToken, new
        {
            firstName = "Audit", lastName = "Bench", dateOfBirth = "1990-04-12", email = "audit.bench@load.orthoscan.local", totalStages = 20, currentStage = 1, preferredLanguage = "en", timezone = "Europe/Paris",
        }, HttpStatusCode.Created);
        var patientId = patient["id"]!.GetValue<string>();
        var practiceId = (await api.SendAsJsonAsync(HttpMethod.Get, "/api/v1/practice", owner.AccessToken, null, HttpStatusCode.OK))["id"]!.GetValue<Guid>();
        var auditedRead = Read(auditedUrl, patientId, owner.AccessToken);
        var plainRead = Read(plainUrl, patientId, owner.AccessToken);

        // The plain process must really write nothing, or the comparison is of two audited routes.
        var before = await EntryCountAsync(api, owner, patientId);
        using (var probe = await http.SendAsync(plainRead())) probe.EnsureSuccessStatusCode();
        if (await EntryCountAsync(api, owner, patientId) != before) throw new InvalidOperationException($"{plainUrl} wrote an audit row: is OrthoScan:Audit:Enabled=false set there?");
        using (var probe = await http.SendAsync(auditedRead())) probe.EnsureSuccessStatusCode();
        if (await EntryCountAsync(api, owner, patientId) != before + 1) throw new InvalidOperationException($"{auditedUrl} did not write exactly one audit row per read");

        Console.WriteLine($"audit-run: GET /api/v1/patients/{{id}}, one practice, {concurrency} connections, warm-up {warmup.TotalSeconds:0} s, " +
                          $"measured {duration.TotalSeconds:0} s, {repeat} repeat(s); audited {auditedUrl}, plain {plainUrl}; load average {Runner.LoadAverage()}");
        // Fresh processes spend their first seconds compiling (JIT tiers, EF queries, the sealer's too): not what is measured.
        foreach (var (name, make) in new[] { ("audited", auditedRead), ("plain", plainRead), ("audited", auditedRead), ("plain", plainRead) })
        {
            var warm = await Runner.LoadAsync(0, name, http, () => make, concurrency, TimeSpan.Zero, prewarm);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  pre-warm {name,-8} {warm.Rps,8:0.0} req/s for {prewarm.TotalSeconds:0} s (not counted)"));
        }
        await SealLagAsync(practiceId, sealTimeout);

        var results = new List<Runner.Result>();
        var cpu = new Dictionary<(int Repeat, string Name), double>();
        var lags = new List<double>();
        for (var r = 1; r <= repeat; r++)
        {
            var sides = new[] { ("audited", auditedRead, auditedPid), ("plain", plainRead, plainPid) };
            if (r % 2 == 0) Array.Reverse(sides);
            foreach (var (name, make, pid) in sides)
            {
                int[] pids = name == "audited" && workerPid > 0 ? [pid, workerPid] : [pid];
                var meter = pid > 0 && database.Length > 0 ? Cpu.MeasureAsync(pids, database, warmup, duration) : Task.FromResult((new[] { double.NaN }, double.NaN));
                var result = await Runner.LoadAsync(r, name, http, () => make, concurrency, warmup, duration);
                results.Add(result);
                var (processSeconds, dbSeconds) = await meter;
                var apiSeconds = processSeconds.Sum();
                var cpuMs = (apiSeconds + dbSeconds) * 1000 / result.Count;
                cpu[(r, name)] = cpuMs;
                var lag = name == "audited" ? await SealLagAsync(practiceId, sealTimeout) : (double?)null;
                if (lag is not null) lags.Add(lag.Value);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  repeat {r} {name,-8} {result.Rps,8:0.0} req/s  p50 {result.P50,6:0.0} ms  p99 {result.P99,6:0.0} ms  n={result.Count} errors={result.Errors}  cpu {cpuMs:0.00} ms/request (.NET {string.Join(" + ", processSeconds.Select(x => (x * 1000 / result.Count).ToString("0.00", CultureInfo.InvariantCulture)))}, db {dbSeconds * 1000 / result.Count:0.00})" +
                    $"{(lag is null ? "" : $"  sealed {lag:0} ms after the run")}  load {Runner.LoadAverage()}"));
            }
        }

        var report = await api.SendAsJsonAsync(HttpMethod.Get, "/api/v1/audit/verify", owner.AccessToken, null, HttpStatusCode.OK);
        var valid = report["valid"]!.GetValue<bool>();
        var ratios = results.Where(x => x.Name == "audited").Join(results.Where(x => x.Name == "plain"), a => a.Repeat, p => p.Repeat, (a, p) => a.Rps / p.Rps).ToList();
        var median = Median(ratios);
        Console.WriteLine();
        Console.WriteLine($"MEDIANS over {repeat} repeat(s) (load average now {Runner.LoadAverage()})");
        Console.WriteLine("| what | requests/s | p50 ms | p99 ms | CPU ms/request | errors |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var g in results.GroupBy(x => x.Name))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {g.Key} | {Median(g.Select(x => x.Rps)):0.0} | {Median(g.Select(x => x.P50)):0.0} | {Median(g.Select(x => x.P99)):0.0} | {Median(g.Select(x => cpu[(x.Repeat, x.Name)])):0.00} | {g.Sum(x => x.Errors)} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"audited / plain throughput: median {median:0.00}, min {ratios.Min():0.00}, max {ratios.Max():0.00}, spread {ratios.Max() - ratios.Min():0.00} " +
            $"(per repeat {string.Join(", ", ratios.Select(x => x.ToString("0.00", CultureInfo.InvariantCulture)))}); target >= {RatioTarget:0.00}: {(median >= RatioTarget ? "MET" : "NOT MET")}"));
        var cpuRatios = Enumerable.Range(1, repeat).Select(r => cpu[(r, "plain")] / cpu[(r, "audited")]).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"plain / audited CPU per request (the throughput ratio if CPU were the only limit): median {Median(cpuRatios):0.00}, min {cpuRatios.Min():0.00}, max {cpuRatios.Max():0.00} " +
            $"(per repeat {string.Join(", ", cpuRatios.Select(x => x.ToString("0.00", CultureInfo.InvariantCulture)))})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"seal lag after each audited run: median {Median(lags):0} ms, max {lags.Max():0} ms; chain {(valid ? "valid" : "BROKEN")}: {report["checkedEntries"]} links checked, problem {report["problem"]?.ToJsonString() ?? "none"}"));
        await PrintRowsPerStatementAsync();
        return valid && results.All(x => x.Errors == 0) ? 0 : 1;
    }

    /// <summary>The trigger queues one entry per practice per INSERT statement: rows / entries is how many reads shared a commit.</summary>
    private static async Task PrintRowsPerStatementAsync()
    {
        if (Environment.GetEnvironmentVariable("ConnectionStrings__Owner") is not { } ownerCs) return;
        await using var owner = NpgsqlDataSource.Create(ownerCs);
        await using var command = owner.CreateCommand("""
            SELECT (SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = 'audit_log'),
                   (SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = 'audit_seal_queue')
            """);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync() || reader.IsDBNull(1)) return;
        var (rows, entries) = (reader.GetInt64(0), reader.GetInt64(1));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"audit rows {rows}, seal queue entries {entries}: {(double)rows / Math.Max(1, entries):0.0} rows per INSERT (statistics may lag a second)"));
    }

    private static Func<HttpRequestMessage> Read(Uri baseUrl, string patientId, string token) => () =>
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, $"api/v1/patients/{patientId}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    };

    private static async Task<int> EntryCountAsync(Api api, Owner owner, string patientId)
    {
        var page = await api.SendAsJsonAsync(HttpMethod.Get, $"/api/v1/audit?resourceId={patientId}&limit=200", owner.AccessToken, null, HttpStatusCode.OK);
        return page["items"]!.AsArray().Count;
    }

    /// <summary>
    /// Milliseconds from now until no audit row of the practice is left unsealed. Counted by the owner role in SQL, not
    /// through verify: a full chain walk every 100 ms would load the audited process between its measurements. An API
    /// without audit_seals (the old code) chains in the request: nothing is ever left.
    /// </summary>
    private static async Task<double> SealLagAsync(Guid practiceId, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        await using var owner = NpgsqlDataSource.Create(Environment.GetEnvironmentVariable("ConnectionStrings__Owner")
                                                       ?? throw new InvalidOperationException("ConnectionStrings__Owner is not set"));
        await using (var sealing = owner.CreateCommand("SELECT to_regclass('audit_seals') IS NOT NULL"))
        {
            if (!(bool)(await sealing.ExecuteScalarAsync())!) return 0;
        }
        const string count = """
            SELECT count(*) FROM audit_log a WHERE a.practice_id = $1
              AND NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.practice_id = $1 AND s.audit_id = a.id)
            """;
        while (true)
        {
            // The owner is bound by the tables' forced row-level security too: enter the practice (for this transaction only).
            await using (var connection = await owner.OpenConnectionAsync())
            await using (var transaction = await connection.BeginTransactionAsync())
            {
                await using (var enter = new NpgsqlCommand("SELECT set_config('app.practice_id', $1, true)", connection, transaction))
                {
                    enter.Parameters.Add(new NpgsqlParameter { Value = practiceId.ToString() });
                    await enter.ExecuteNonQueryAsync();
                }
                await using var command = new NpgsqlCommand(count, connection, transaction);
                command.Parameters.Add(new NpgsqlParameter { Value = practiceId });
                var unsealed = (long)(await command.ExecuteScalarAsync())!;
                if (unsealed == 0) return clock.Elapsed.TotalMilliseconds;
                if (clock.Elapsed > timeout) throw new TimeoutException($"{unsealed} rows still unsealed after {timeout}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>CPU seconds (user + system, from /proc) of a process and of the PostgreSQL backends of one database.</summary>
    private static class Cpu
    {
        private const double TicksPerSecond = 100; // USER_HZ on Linux

        /// <summary>The CPU used between <paramref name="warmup"/> and <paramref name="warmup"/> + <paramref name="duration"/> from now:
        /// the window whose requests the load counts.</summary>
        public static async Task<(double[] Processes, double Database)> MeasureAsync(int[] pids, string database, TimeSpan warmup, TimeSpan duration)
        {
            await Task.Delay(warmup);
            var start = Sample(pids, database);
            await Task.Delay(duration);
            var end = Sample(pids, database);
            var used = end.ToDictionary(e => e.Key, e => (e.Value - start.GetValueOrDefault(e.Key)) / TicksPerSecond);
            return ([.. pids.Select(p => used[p])], used.Where(u => !pids.Contains(u.Key)).Sum(u => u.Value));
        }

        private static Dictionary<int, long> Sample(int[] pids, string database)
        {
            var ticks = pids.ToDictionary(p => p, Ticks);
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out var other) || pids.Contains(other)) continue;
                string title;
                try
                {
                    title = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    continue; // gone meanwhile
                }
                if (title.StartsWith($"postgres: orthoscan_app {database} ", StringComparison.Ordinal)) ticks[other] = Ticks(other);
            }
            return ticks;
        }

        private static long Ticks(int pid)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                return 0;
            }
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
