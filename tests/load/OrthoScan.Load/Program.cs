using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using OrthoScan.Api.Infrastructure.Imaging;
using OrthoScan.Api.Tests.Imaging;
using OtpNet;

namespace OrthoScan.Load;

/// <summary>
/// Scan pipeline load harness: "session submit to ready for 5 images of 12 megapixels, p95 at most 3 s" (issue 4).
/// Drives a running API over HTTP through its public endpoints only, as a practice and a patient app would, one
/// session at a time; and, side by side in the same run, measures the baseline: ImageProcessor.Process on the same
/// five JPEGs, sequentially, in this process (what the worker must at least spend on a session).
/// Usage: OrthoScan.Load [--base-url http://127.0.0.1:5080] [--sessions 20] [--warmup 1] [--poll-ms 50] [--timeout-s 120]
///        [--activation-code CODE]   act as an existing patient (e.g. a demo patient) instead of registering a practice
/// The warm-up sessions go through the same steps but are reported apart (the first job pays JIT and libvips start-up
/// in the worker), and are not counted in the statistics.
/// </summary>
public static class Program
{
    private const int Width = 4000;
    private const int Height = 3000;
    private const int MaxSessions = 200;
    private static readonly string[] Views = ["frontal", "buccal_l", "buccal_r", "occlusal_u", "occlusal_l"];

    public static async Task<int> Main(string[] args)
    {
        try
        {
            if (Review.ReviewBench.Handles(args)) return await Review.ReviewBench.RunAsync(args);
            if (Audit.AuditBench.Handles(args)) return await Audit.AuditBench.RunAsync(args);
            if (Mix.MixBench.Handles(args)) return await Mix.MixBench.RunAsync(args);
            if (Feed.FeedBench.Handles(args)) return await Feed.FeedBench.RunAsync(args);
            if (Chaos.ChaosSubmit.Handles(args)) return await Chaos.ChaosSubmit.RunAsync(args);
            if (Chaos.ChaosSteady.Handles(args)) return await Chaos.ChaosSteady.RunAsync(args);
            if (Chaos.ChaosNotify.Handles(args)) return await Chaos.ChaosNotify.RunAsync(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"{args[0]}: {e.Message}");
            return 2;
        }
        Options options;
        try
        {
            options = Options.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"load: {e.Message}");
            return 2;
        }

        Console.WriteLine($"target {options.BaseUrl}, {options.Warmup} warm-up + {options.Sessions} sessions of {Views.Length} x {Width}x{Height} JPEG, poll every {options.PollMs} ms");
        var generate = Stopwatch.StartNew();
        var photos = Views.Select((_, i) =>
        {
            using var image = TestImages.Teeth(Width, Height, seed: 4000 + (i * 7919));
            return TestImages.Jpeg(image, quality: 92);
        }).ToArray();
        Console.WriteLine($"generated {photos.Length} photos in {generate.Elapsed.TotalSeconds:0.0} s: {string.Join(", ", photos.Select(p => $"{p.Length / 1024} KiB"))}");

        var processor = new ImageProcessor(new ImageLimits());
        var baseline = new List<double>();
        foreach (var photo in photos) processor.Process(photo); // warm-up: libvips start-up, JIT

        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = options.BaseUrl,
            Timeout = TimeSpan.FromSeconds(60),
        };
        var api = new Api(http, options.BaseUrl);
        PatientApp patient;
        if (options.ActivationCode is { } code)
        {
            patient = await api.ActivateAsync(code);
            Console.WriteLine("patient app activated with the given code");
        }
        else
        {
            patient = await api.PatientAppAsync(await api.RegisterPracticeAsync());
            Console.WriteLine("practice registered, patient app activated");
        }

        var latencies = new List<double>();
        var serverSide = new List<double>();
        var failures = new List<string>();
        for (var n = 1 - options.Warmup; n <= options.Sessions; n++)
        {
            var warmup = n < 1;
            await patient.RefreshIfOldAsync(api);
            var session = await api.SendAsJsonAsync(HttpMethod.Post, "/api/v1/scans/sessions", patient.AccessToken,
                new { alignerNumber = 1 + (n % 20), views = Views }, HttpStatusCode.Created, ("Idempotency-Key", Guid.NewGuid().ToString()));
            var sessionId = session["id"]!.GetValue<string>();
            for (var i = 0; i < Views.Length; i++) await api.UploadAsync(patient.AccessToken, sessionId, Views[i], photos[i]);

            var clock = Stopwatch.StartNew();
            await api.SendAsJsonAsync(HttpMethod.Post, $"/api/v1/scans/sessions/{sessionId}/submit", patient.AccessToken, null, HttpStatusCode.OK);
            JsonNode state;
            while (true)
            {
                state = await api.SendAsJsonAsync(HttpMethod.Get, $"/api/v1/scans/sessions/{sessionId}", patient.AccessToken, null, HttpStatusCode.OK);
                if (state["status"]!.GetValue<string>() != "processing") break;
                if (clock.Elapsed.TotalSeconds > options.TimeoutSeconds) break;
                await Task.Delay(options.PollMs);
            }
            var elapsed = clock.Elapsed.TotalMilliseconds;
            var status = state["status"]!.GetValue<string>();
            var server = ServerMilliseconds(state);
            if (warmup && status == "ready")
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"warm-up session: ready, submit->ready {elapsed:0} ms (not counted)"));
                continue;
            }
            if (status == "ready")
            {
                latencies.Add(elapsed);
                if (server is not null) serverSide.Add(server.Value);
            }
            else
            {
                failures.Add($"session {n} ({sessionId}): {status} after {elapsed:0} ms; {Reasons(state)}");
            }

            // Baseline round between sessions, while the worker is idle: the same five photos, one after the other.
            var round = Stopwatch.StartNew();
            foreach (var photo in photos) processor.Process(photo);
            baseline.Add(round.Elapsed.TotalMilliseconds);

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"session {n,3}: {status,-12} submit->ready {elapsed,7:0} ms (server {server?.ToString("0", CultureInfo.InvariantCulture) ?? "?",5} ms)   baseline 5x Process {baseline[^1],6:0} ms"));
        }

        Console.WriteLine();
        Report("submit -> ready (client, incl. 50 ms polling)", latencies);
        Report("processed_at - submitted_at (server)", serverSide);
        Report("baseline: 5 x ImageProcessor.Process, sequential", baseline);
        if (latencies.Count > 0 && baseline.Count > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ratio submit->ready / baseline: p95 {Percentile(latencies, 95) / Percentile(baseline, 95):0.00}, median {Percentile(latencies, 50) / Percentile(baseline, 50):0.00}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"images/s through the pipeline: {Views.Length * latencies.Count / (latencies.Sum() / 1000):0.00} (5 x sessions / sum of submit->ready; one session at a time)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"images/s baseline: {Views.Length * baseline.Count / (baseline.Sum() / 1000):0.00}"));
            var p95 = Percentile(latencies, 95);
            Console.WriteLine(p95 <= 3000 ? $"target p95 <= 3000 ms: MET ({p95:0} ms)" : $"target p95 <= 3000 ms: NOT MET ({p95:0} ms)");
        }
        foreach (var failure in failures) await Console.Error.WriteLineAsync("load: " + failure);
        return failures.Count == 0 && latencies.Count > 0 ? 0 : 1;
    }

    private static double? ServerMilliseconds(JsonNode session)
    {
        if (session["submittedAt"]?.GetValue<DateTime>() is not { } submitted || session["processedAt"]?.GetValue<DateTime>() is not { } processed) return null;
        return (processed - submitted).TotalMilliseconds;
    }

    private static string Reasons(JsonNode session) =>
        string.Join("; ", session["images"]!.AsArray().Select(i =>
            $"{i!["imageType"]}: {i["status"]} score {i["qualityScore"]} retake [{string.Join(',', i["retakeReasons"]!.AsArray().Select(r => r!.GetValue<string>()))}]"));

    /// <summary>Nearest-rank percentile: the smallest sample with at least p % of the samples at or below it.</summary>
    private static double Percentile(List<double> samples, double p)
    {
        var sorted = samples.Order().ToList();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    private static void Report(string what, List<double> samples)
    {
        if (samples.Count == 0)
        {
            Console.WriteLine($"{what}: no samples");
            return;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: n={samples.Count} min {samples.Min():0} ms, median {Percentile(samples, 50):0} ms, p95 {Percentile(samples, 95):0} ms, max {samples.Max():0} ms"));
    }

    private sealed record Options(Uri BaseUrl, int Sessions, int Warmup, int PollMs, int TimeoutSeconds, string? ActivationCode)
    {
        public static Options Parse(string[] args)
        {
            var baseUrl = new Uri("http://127.0.0.1:5080");
            int sessions = 20, warmup = 1, pollMs = 50, timeout = 120;
            string? activationCode = null;
            for (var i = 0; i < args.Length; i++)
            {
                var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--base-url": baseUrl = new Uri(value.TrimEnd('/') + "/"); break;
                    case "--sessions": sessions = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--warmup": warmup = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--poll-ms": pollMs = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--timeout-s": timeout = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--activation-code": activationCode = value; break;
                    default: throw new ArgumentException($"unknown argument {args[i]}");
                }
                i++;
            }
            if (sessions is < 1 or > MaxSessions) throw new ArgumentException($"--sessions must be 1..{MaxSessions}");
            if (warmup is < 0 or > 5) throw new ArgumentException("--warmup must be 0..5");
            if (pollMs is < 10 or > 5000) throw new ArgumentException("--poll-ms must be 10..5000");
            if (timeout is < 5 or > 600) throw new ArgumentException("--timeout-s must be 5..600");
            Loopback.Require(baseUrl);
            return new Options(baseUrl, sessions, warmup, pollMs, timeout, activationCode);
        }
    }
}

/// <summary>This harness only ever talks to this machine.</summary>
internal static class Loopback
{
    public static void Require(Uri url)
    {
        var loopback = url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
        if (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https") || !loopback)
            throw new ArgumentException($"only loopback http(s) targets are allowed, not {url}");
    }
}

internal sealed record Owner(string AccessToken);

internal sealed class PatientApp(string accessToken, string refreshToken, string deviceId)
{
    private readonly Stopwatch age = Stopwatch.StartNew();

    public string AccessToken { get; private set; } = accessToken;

    /// <summary>Access tokens live 10 minutes by default; refresh well before that.</summary>
    public async Task RefreshIfOldAsync(Api api)
    {
        if (age.Elapsed < TimeSpan.FromMinutes(4)) return;
        var tokens = await api.SendAsJsonAsync(HttpMethod.Post, "/api/v1/auth/refresh", null, new { refreshToken, deviceId }, HttpStatusCode.OK);
        AccessToken = tokens["accessToken"]!.GetValue<string>();
        refreshToken = tokens["refreshToken"]!.GetValue<string>();
        age.Restart();
    }
}

internal sealed class Api(HttpClient http, Uri baseUrl)
{
    private const string Password = "load-harness-password-0123";

    public async Task<JsonNode> SendAsJsonAsync(HttpMethod method, string path, string? accessToken, object? body, HttpStatusCode expected,
        params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body);
        if (accessToken is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        foreach (var (name, value) in headers) request.Headers.Add(name, value);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected)
            throw new InvalidOperationException($"{method} {path}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    public async Task<Owner> RegisterPracticeAsync()
    {
        var email = $"load.{Guid.NewGuid():N}@load.orthoscan.local";
        var registered = await SendAsJsonAsync(HttpMethod.Post, "/api/v1/auth/register", null,
            new { practiceName = "Load Test Practice", ownerName = "Dr. Load", email, password = Password }, HttpStatusCode.Created);
        var mfaToken = registered["mfaToken"]!.GetValue<string>();
        var enrolled = await SendAsJsonAsync(HttpMethod.Post, "/api/v1/auth/mfa/enroll", null, new { mfaToken }, HttpStatusCode.OK);
        var code = new Totp(Base32Encoding.ToBytes(enrolled["secret"]!.GetValue<string>())).ComputeTotp(DateTime.UtcNow);
        var tokens = await SendAsJsonAsync(HttpMethod.Post, "/api/v1/auth/mfa/verify", null, new { mfaToken, code }, HttpStatusCode.OK);
        return new Owner(tokens["accessToken"]!.GetValue<string>());
    }

    public async Task<PatientApp> PatientAppAsync(Owner owner)
    {
        var patient = await SendAsJsonAsync(HttpMethod.Post, "/api/v1/patients", owner.AccessToken, new
        {
            firstName = "Load", lastName = "Patient", dateOfBirth = "1990-04-12", email = "load.patient@load.orthoscan.local",
            totalStages = 20, currentStage = 1, preferredLanguage = "en", timezone = "Europe/Paris",
        }, HttpStatusCode.Created);
        var id = patient["id"]!.GetValue<string>();
        // Shown only, not sent: the harness reads the code from the answer (and sends no email through the hourly invitation budget).
        var invitation = await SendAsJsonAsync(HttpMethod.Post, $"/api/v1/patients/{id}/invite", owner.AccessToken, new { sendBy = "none" }, HttpStatusCode.OK);
        return await ActivateAsync(invitation["code"]!.GetValue<string>());
    }

    public async Task<PatientApp> ActivateAsync(string code)
    {
        var deviceId = "load-harness-" + Guid.NewGuid().ToString("N");
        var activated = await SendAsJsonAsync(HttpMethod.Post, "/api/v1/auth/patient/activate", null, new { code, deviceId }, HttpStatusCode.OK);
        return new PatientApp(activated["accessToken"]!.GetValue<string>(), activated["refreshToken"]!.GetValue<string>(), deviceId);
    }

    /// <summary>Asks for a signed URL and PUTs the bytes to it, as the patient app does.</summary>
    public async Task UploadAsync(string accessToken, string sessionId, string view, byte[] bytes)
    {
        var grant = await SendAsJsonAsync(HttpMethod.Post, "/api/v1/scans/upload-url", accessToken,
            new { sessionId, imageType = view, contentType = "image/jpeg", contentLength = bytes.Length }, HttpStatusCode.OK);
        // The local store answers a relative URL unless PublicBaseUrl is set; S3 answers an absolute one.
        var url = new Uri(baseUrl, grant["url"]!.GetValue<string>());
        Loopback.Require(url);
        using var put = new HttpRequestMessage(new HttpMethod(grant["method"]?.GetValue<string>() ?? "PUT"), url) { Content = new ByteArrayContent(bytes) };
        put.Content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        foreach (var (name, value) in grant["headers"]!.AsObject())
        {
            if (!name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) put.Headers.TryAddWithoutValidation(name, value!.GetValue<string>());
        }
        using var response = await http.SendAsync(put);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"PUT {view}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
