using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using OrthoScan.Api.Tests.Imaging;

namespace OrthoScan.Load.Chaos;

/// <summary>
/// Driver of the "kill -9 under load" fault scenario (tests/chaos/kill-api.sh kills and restarts the API and the worker
/// meanwhile): signs up practices and patients, then every patient sends one scan at once, retrying each step through
/// the kills, and writes what the API acknowledged to --out. The script's verdict compares that file with the database.
/// Usage: OrthoScan.Load chaos-submit [--base http://127.0.0.1:5097] [--patients 100] [--out acks.json]
///        [--per-practice 20] [--budget-s 180] [--onboard-parallel 8] [--spread-s 0: scans arrive evenly over this many seconds]
/// A trial practice allows 25 active patients, hence several practices for 100 patients (which also exercises RLS).
/// Exit code: 0 when every patient's scan was created and submitted, 1 otherwise (the file is written either way).
/// </summary>
internal static class ChaosSubmit
{
    private const string Mode = "chaos-submit";
    // Smaller than a phone's 12 MP (the latency benchmark's job): here the load is the kills, and 500 photos must be
    // processed on 2 cores in a few minutes. Still over the 1000 px short side the quality check asks for.
    private const int Width = 1600;
    private const int Height = 1200;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static bool Handles(string[] args) => args.Length > 0 && args[0] == Mode;

    public static async Task<int> RunAsync(string[] args)
    {
        // Bad options throw ArgumentException: Program answers exit code 2.
        var options = Options.Parse(new BenchArgs(args));

        var photos = ChaosPatient.Views.Select((_, i) =>
        {
            // Distinct seeds per view: the same photo for two views would be asked again as duplicate_view.
            using var image = TestImages.Teeth(Width, Height, seed: 4000 + (i * 7919));
            return TestImages.Jpeg(image, quality: 90);
        }).ToArray();

        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30), ConnectTimeout = TimeSpan.FromSeconds(5) })
        {
            BaseAddress = options.BaseUrl,
            // A request caught by a kill can hang until the socket notices; a phone gives up too.
            Timeout = TimeSpan.FromSeconds(20),
        };
        var api = new Resilient(http, options.BaseUrl, TimeSpan.FromSeconds(options.BudgetSeconds));
        var flow = new ChaosPatient(api, photos);
        var clock = Stopwatch.StartNew();
        Log(clock, $"target {options.BaseUrl}, {options.Patients} patients in {(options.Patients + options.PerPractice - 1) / options.PerPractice} practice(s), 5 x {Width}x{Height} JPEG each ({photos.Sum(p => p.Length) / 1024} KiB)");

        // Sign-up first (a few at a time, as practices onboard), so that the scans then arrive all at once.
        var acks = new List<Ack>();
        var tokens = new ConcurrentDictionary<Ack, string>();
        using (var gate = new SemaphoreSlim(options.OnboardParallel))
        {
            for (var first = 0; first < options.Patients; first += options.PerPractice)
            {
                var (practiceId, ownerToken) = await flow.RegisterPracticeAsync();
                var batch = Enumerable.Range(0, Math.Min(options.PerPractice, options.Patients - first))
                    .Select(_ => new Ack { PracticeId = practiceId, IdempotencyKey = Guid.NewGuid().ToString() }).ToList();
                acks.AddRange(batch);
                await Task.WhenAll(batch.Select(async ack =>
                {
                    await gate.WaitAsync();
                    try
                    {
                        tokens[ack] = await flow.OnboardAsync(ownerToken, ack);
                    }
                    catch (Exception e) when (e is RefusedException or TimeoutException or JsonException)
                    {
                        ack.Error = "onboarding: " + e.Message;
                    }
                    finally
                    {
                        gate.Release();
                    }
                }));
            }
        }
        Log(clock, $"signed up {tokens.Count}/{acks.Count} patients, {api.Retries} retries so far; sending the scans");

        var scanClock = Stopwatch.StartNew();
        var ready = acks.Where(tokens.ContainsKey).ToList();
        await Task.WhenAll(ready.Select(async (ack, i) =>
        {
            try
            {
                // Arrivals spread evenly over --spread-s, as a practice's day is, so that the kills land among them.
                if (options.SpreadSeconds > 0) await Task.Delay(TimeSpan.FromSeconds((double)options.SpreadSeconds * i / ready.Count));
                await flow.ScanAsync(tokens[ack], ack);
            }
            catch (Exception e) when (e is RefusedException or TimeoutException or JsonException or InvalidOperationException)
            {
                ack.Error = $"scan: {e.Message}";
            }
        }));

        var created = acks.Count(a => a.Created);
        var submitted = acks.Count(a => a.Submitted);
        Log(clock, $"scans done in {scanClock.Elapsed.TotalSeconds:0.0} s: {created} created, {submitted} submitted, {acks.Count(a => a.Error is not null)} failed, {api.Retries} retries in all");
        foreach (var ack in acks.Where(a => a.Error is not null)) await Console.Error.WriteLineAsync($"chaos: patient {ack.PatientId}: {ack.Error}");

        var report = new
        {
            baseUrl = options.BaseUrl.ToString(), patients = options.Patients, retries = api.Retries,
            seconds = Math.Round(clock.Elapsed.TotalSeconds, 1), scanSeconds = Math.Round(scanClock.Elapsed.TotalSeconds, 1),
            practices = acks.Select(a => a.PracticeId).Distinct().ToList(),
            sessions = acks.Select(a => new
            {
                practiceId = a.PracticeId, patientId = a.PatientId, sessionId = a.SessionId, idempotencyKey = a.IdempotencyKey,
                created = a.Created, submitted = a.Submitted, submitStatus = a.SubmitStatus, otherSessionIds = a.OtherSessionIds, error = a.Error,
            }),
        };
        await File.WriteAllTextAsync(options.Out, JsonSerializer.Serialize(report, Indented));
        return submitted == options.Patients ? 0 : 1;
    }

    private static void Log(Stopwatch clock, string message) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"chaos: [{clock.Elapsed.TotalSeconds,6:0.0} s] {message}"));

    private sealed record Options(Uri BaseUrl, int Patients, string Out, int PerPractice, int BudgetSeconds, int OnboardParallel, int SpreadSeconds)
    {
        public static Options Parse(BenchArgs args)
        {
            var baseUrl = args.Url("base", "http://127.0.0.1:5097");
            int patients = args.Int("patients", 100), perPractice = args.Int("per-practice", 20), budget = args.Int("budget-s", 180), onboard = args.Int("onboard-parallel", 8);
            var spread = args.Int("spread-s", 0);
            var output = args.Get("out", "acks.json");
            args.RequireAllRead();
            if (patients is < 1 or > 1000) throw new ArgumentException("--patients must be 1..1000");
            // The trial plan's limit is 25 active patients.
            if (perPractice is < 1 or > 25) throw new ArgumentException("--per-practice must be 1..25");
            if (budget is < 5 or > 900) throw new ArgumentException("--budget-s must be 5..900");
            if (onboard is < 1 or > 64) throw new ArgumentException("--onboard-parallel must be 1..64");
            if (spread is < 0 or > 1800) throw new ArgumentException("--spread-s must be 0..1800");
            return new Options(baseUrl, patients, output, perPractice, budget, onboard, spread);
        }
    }
}
