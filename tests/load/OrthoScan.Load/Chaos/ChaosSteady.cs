using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrthoScan.Load.Chaos;

/// <summary>
/// Steady load for the dependency-outage scenarios (tests/chaos/redis-outage.sh, postgres-outage.sh). Signs up one
/// practice, a few patients and one activated patient app (retrying through outages), then for --seconds keeps
/// --workers loops sending a mix of authenticated reads (patients list, a patient, a scan session, /me) and writes
/// (a scan session created with an Idempotency-Key, kept across retries until acknowledged, as the app does; a patient
/// now and then), each request sent ONCE and its answer recorded: start time (Unix ms), status (0: no answer), whether
/// Retry-After was present, and the body of any 3xx/4xx/5xx other than a 503 with Retry-After. A separate loop polls /health/ready every 250 ms.
/// Every write the API acknowledged with a 2xx is listed with its id, for the harness to find in the database.
/// Usage: OrthoScan.Load chaos-steady [--base http://127.0.0.1:5097] [--seconds 40] [--out steady.json] [--workers 4]
///        [--pause-ms 40]
/// The harness stops the dependency while this runs; the verdict is computed by the harness from the file (exit 0
/// once the file is written, 2 when the set-up itself failed).
/// </summary>
internal static class ChaosSteady
{
    private const string Mode = "chaos-steady";
    private const int MaxPatients = 15; // a trial practice allows 25 active patients; unacknowledged creates count too
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static bool Handles(string[] args) => args.Length > 0 && args[0] == Mode;

    private sealed record Event(long T, string Op, int Status, bool RetryAfter, long Ms, string? Body);

    private sealed record Write(string Kind, Guid Id, long T, string? IdempotencyKey);

    public static async Task<int> RunAsync(string[] args)
    {
        // Bad options throw ArgumentException: Program answers exit code 2.
        var options = Options.Parse(new BenchArgs(args));

        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30), ConnectTimeout = TimeSpan.FromSeconds(5) })
        {
            BaseAddress = options.BaseUrl,
            Timeout = TimeSpan.FromSeconds(10),
        };

        // Set-up, with retries (the outage has not started yet, but be tolerant).
        var setup = new Resilient(http, options.BaseUrl, TimeSpan.FromSeconds(60));
        var flow = new ChaosPatient(setup, []);
        Guid practiceId, patientId, sessionId;
        string ownerToken, patientToken;
        var writes = new ConcurrentQueue<Write>();
        try
        {
            (practiceId, ownerToken) = await flow.RegisterPracticeAsync();
            var ack = new Ack { PracticeId = practiceId, IdempotencyKey = Guid.NewGuid().ToString() };
            patientToken = await flow.OnboardAsync(ownerToken, ack);
            patientId = ack.PatientId!.Value;
            writes.Enqueue(new Write("patient", patientId, Now(), null));
            var created = await setup.JsonAsync("create session", HttpMethod.Post, "/api/v1/scans/sessions", patientToken,
                new { alignerNumber = 1, views = ChaosPatient.Views }, ("Idempotency-Key", ack.IdempotencyKey));
            sessionId = Guid.Parse(created["id"]!.GetValue<string>());
            writes.Enqueue(new Write("session", sessionId, Now(), ack.IdempotencyKey));
        }
        catch (Exception e) when (e is RefusedException or TimeoutException or JsonException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"chaos-steady: set-up failed: {e.Message}");
            return 2;
        }
        Console.WriteLine($"chaos-steady: practice {practiceId}, patient {patientId}, session {sessionId}; {options.Workers} workers for {options.Seconds} s");

        var events = new ConcurrentQueue<Event>();
        var patientsCreated = 1;
        var started = Now();
        var deadline = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(options.Seconds);

        async Task<(int Status, JsonNode? Json)> Once(string op, HttpMethod method, string path, string? token, object? body = null, string? key = null)
        {
            var clock = Stopwatch.StartNew();
            var t = Now();
            try
            {
                using var request = new HttpRequestMessage(method, path);
                if (body is not null) request.Content = JsonContent.Create(body);
                if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                if (key is not null) request.Headers.Add("Idempotency-Key", key);
                using var response = await http.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                var status = (int)response.StatusCode;
                var retryAfter = response.Headers.RetryAfter is not null;
                var keep = status >= 300 && (status != 503 || !retryAfter) ? text[..Math.Min(text.Length, 2000)] : null;
                events.Enqueue(new Event(t, op, status, retryAfter, clock.ElapsedMilliseconds, keep));
                JsonNode? json = null;
                if (status is >= 200 and < 300 && text.Length > 0)
                {
                    try
                    {
                        json = JsonNode.Parse(text);
                    }
                    catch (JsonException)
                    {
                        json = null;
                    }
                }
                return (status, json);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                events.Enqueue(new Event(t, op, 0, false, clock.ElapsedMilliseconds, e.GetType().Name + ": " + e.Message));
                return (0, null);
            }
        }

        async Task Worker(int index)
        {
            string? pendingKey = null; // an unacknowledged session create is retried with the same key
            for (var round = index; deadline.Elapsed < until; round++)
            {
                switch (round % 8)
                {
                    case 0: await Once("list-patients", HttpMethod.Get, "/api/v1/patients?limit=20", ownerToken); break;
                    case 1: await Once("get-patient", HttpMethod.Get, $"/api/v1/patients/{patientId}", ownerToken); break;
                    case 2: await Once("get-session", HttpMethod.Get, $"/api/v1/scans/sessions/{sessionId}", patientToken); break;
                    case 3: await Once("me", HttpMethod.Get, "/api/v1/me", patientToken); break;
                    case 4: await Once("patient-sessions", HttpMethod.Get, $"/api/v1/patients/{patientId}/sessions?limit=20", ownerToken); break;
                    case 5:
                    case 6:
                        {
                            pendingKey ??= Guid.NewGuid().ToString();
                            var (status, json) = await Once("create-session", HttpMethod.Post, "/api/v1/scans/sessions", patientToken,
                                new { alignerNumber = 1, views = ChaosPatient.Views }, pendingKey);
                            if (status is >= 200 and < 300 && json?["id"] is { } id)
                            {
                                writes.Enqueue(new Write("session", Guid.Parse(id.GetValue<string>()), Now(), pendingKey));
                                pendingKey = null;
                            }
                            break;
                        }
                    default:
                        {
                            if (Interlocked.Increment(ref patientsCreated) > MaxPatients)
                            {
                                await Once("list-patients", HttpMethod.Get, "/api/v1/patients?limit=20", ownerToken);
                                break;
                            }
                            var (status, json) = await Once("create-patient", HttpMethod.Post, "/api/v1/patients", ownerToken, new
                            {
                                firstName = "Steady", lastName = "Patient", dateOfBirth = "1991-02-03", email = "steady.patient@load.orthoscan.local",
                                totalStages = 20, currentStage = 1, preferredLanguage = "en", timezone = "Europe/Paris",
                            });
                            if (status is >= 200 and < 300 && json?["id"] is { } id)
                                writes.Enqueue(new Write("patient", Guid.Parse(id.GetValue<string>()), Now(), null));
                            break;
                        }
                }
                await Task.Delay(options.PauseMs);
            }
        }

        async Task Ready()
        {
            while (deadline.Elapsed < until)
            {
                await Once("ready", HttpMethod.Get, "/health/ready", null);
                await Task.Delay(250);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, options.Workers).Select(Worker).Append(Ready()));

        var list = events.OrderBy(e => e.T).ToList();
        var report = new
        {
            baseUrl = options.BaseUrl.ToString(), started, ended = Now(), practiceId, patientId, sessionId,
            events = list.Select(e => new { t = e.T, op = e.Op, status = e.Status, retryAfter = e.RetryAfter, ms = e.Ms, body = e.Body }),
            writes = writes.Select(w => new { kind = w.Kind, id = w.Id, t = w.T, idempotencyKey = w.IdempotencyKey }),
        };
        await File.WriteAllTextAsync(options.Out, JsonSerializer.Serialize(report, Indented));
        var byStatus = string.Join(", ", list.GroupBy(e => e.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"));
        Console.WriteLine($"chaos-steady: {list.Count} requests ({byStatus}), {writes.Count} acknowledged writes, written to {options.Out}");
        return 0;
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private sealed record Options(Uri BaseUrl, int Seconds, string Out, int Workers, int PauseMs)
    {
        public static Options Parse(BenchArgs args)
        {
            var baseUrl = args.Url("base", "http://127.0.0.1:5097");
            int seconds = args.Int("seconds", 40), workers = args.Int("workers", 4), pause = args.Int("pause-ms", 40);
            var output = args.Get("out", "steady.json");
            args.RequireAllRead();
            if (seconds is < 1 or > 3600) throw new ArgumentException("--seconds must be 1..3600");
            if (workers is < 1 or > 64) throw new ArgumentException("--workers must be 1..64");
            if (pause is < 0 or > 10000) throw new ArgumentException("--pause-ms must be 0..10000");
            return new Options(baseUrl, seconds, output, workers, pause);
        }
    }
}
