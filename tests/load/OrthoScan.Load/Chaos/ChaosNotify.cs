using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OrthoScan.Load.Chaos;

/// <summary>
/// Driver of tests/chaos/notify-outage.sh: "notification providers down for 60 s: everything is delivered after
/// recovery, none twice". Hosts fake SendGrid (/v3/mail/send), Twilio (.../Messages.json) and FCM (/token,
/// .../messages:send) on ONE loopback port (a bare Kestrel in this process), which the API and worker are configured to
/// send to, and records every request they get: provider, the idempotency key our transport sends (SendGrid
/// Idempotency-Key, Twilio I-Twilio-Idempotency-Token: the notification id; FCM has none), the recipient, and what the
/// fake answered. Meanwhile it produces, one unit every --every-ms through the public API, notifications the product
/// really sends: a patient invited by email (SendGrid), a patient invited by SMS (Twilio), an activated patient with a
/// registered push token written to by the doctor (FCM, the new-message notice). Patients are spread over several
/// practices (at most 20 each: the trial plan's 25 places; each patient invited once, well inside the 5/h and 100/h
/// invitation limits) and live in a timezone where it is daytime now (the new-message notice waits out quiet hours).
/// Timeline: --before s up; --outage s down (the first half answering 503, the second half refusing connections with
/// --fault mixed; or all 503 / all refused); --after s up again, production going on throughout; then until every
/// acknowledged trigger was accepted once by its provider (at most --settle s), plus --grace s to catch late duplicates.
/// Every API request is sent ONCE and its answer recorded. Writes --out for the harness, which gives the verdict with
/// the database (exit 0 once written, 2 when the set-up failed).
/// Usage: OrthoScan.Load chaos-notify [--base http://127.0.0.1:5397] [--fakes-port 5399] [--before 10] [--outage 60]
///        [--after 20] [--settle 150] [--grace 5] [--every-ms 1000] [--fault mixed|503|refuse] [--out notify.json]
/// </summary>
internal static class ChaosNotify
{
    private const string Mode = "chaos-notify";
    private const int PatientsPerPractice = 20;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static bool Handles(string[] args) => args.Length > 0 && args[0] == Mode;

    private sealed record Event(long T, string Op, int Status, long Ms, string? Body);

    /// <summary>A trigger the API acknowledged: one notification of <paramref name="Channel"/> to <paramref name="Recipient"/> is due.</summary>
    private sealed record Expected(int Unit, string Channel, string Recipient, Guid PracticeId, Guid PatientId, long T);

    public static async Task<int> RunAsync(string[] args)
    {
        // Bad options throw ArgumentException: Program answers exit code 2.
        var options = Options.Parse(new BenchArgs(args));

        await using var fakes = new FakeProviders(options.FakesPort);
        try
        {
            await fakes.StartAsync();
        }
        catch (IOException e)
        {
            await Console.Error.WriteLineAsync($"chaos-notify: the fake providers cannot listen on 127.0.0.1:{options.FakesPort}: {e.Message}");
            return 2;
        }

        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30), ConnectTimeout = TimeSpan.FromSeconds(5) })
        {
            BaseAddress = options.BaseUrl,
            Timeout = TimeSpan.FromSeconds(15),
        };

        var units = (int)Math.Ceiling((options.Before + options.Outage + options.After) * 1000.0 / options.EveryMs) + 1;
        var practiceCount = (units + PatientsPerPractice - 1) / PatientsPerPractice;
        var setup = new Resilient(http, options.BaseUrl, TimeSpan.FromSeconds(60));
        var flow = new ChaosPatient(setup, []);
        var practices = new List<(Guid Id, string Token)>();
        try
        {
            for (var i = 0; i < practiceCount; i++) practices.Add(await flow.RegisterPracticeAsync());
        }
        catch (Exception e) when (e is RefusedException or TimeoutException or JsonException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"chaos-notify: set-up failed: {e.Message}");
            return 2;
        }
        var timezone = DaytimeZone();
        var run = Guid.NewGuid().ToString("N")[..8];
        var phoneBase = Random.Shared.Next(10_000_000, 90_000_000);
        Console.WriteLine($"chaos-notify: {practices.Count} practices, fakes on 127.0.0.1:{options.FakesPort}, patients in {timezone}; " +
                          $"producing for {options.Before + options.Outage + options.After} s (up {options.Before} s, down {options.Outage} s ({options.Fault}), up {options.After} s)");

        var events = new ConcurrentQueue<Event>();
        var expected = new ConcurrentQueue<Expected>();

        async Task<JsonNode?> Once(string op, HttpMethod method, string path, string? token, object? body, string? key = null)
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
                events.Enqueue(new Event(t, op, status, clock.ElapsedMilliseconds, status is >= 200 and < 300 ? null : text[..Math.Min(text.Length, 2000)]));
                if (status is < 200 or >= 300) return null;
                return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
            {
                events.Enqueue(new Event(t, op, 0, clock.ElapsedMilliseconds, e.GetType().Name + ": " + e.Message));
                return null;
            }
        }

        // One unit: a patient, and the one notification the product sends for what the unit does. A failed step is
        // recorded (the verdict fails on it) and ends the unit.
        async Task UnitAsync(int unit)
        {
            var (practiceId, owner) = practices[unit / PatientsPerPractice];
            var kind = unit % 3;
            var email = $"notify.{run}.{unit}@load.orthoscan.local";
            var phone = "+4420" + (phoneBase + unit).ToString(CultureInfo.InvariantCulture);
            var created = await Once("create-patient", HttpMethod.Post, "/api/v1/patients", owner, new
            {
                firstName = "Notify", lastName = "Patient", dateOfBirth = "1992-05-06", email, phone = kind == 1 ? phone : null,
                totalStages = 20, currentStage = 1, preferredLanguage = "en", timezone,
            });
            if (created?["id"] is not { } idNode) return;
            var patientId = Guid.Parse(idNode.GetValue<string>());
            switch (kind)
            {
                case 0:
                case 1:
                    {
                        var sendBy = kind == 0 ? "email" : "sms";
                        var invited = await Once($"invite-{sendBy}", HttpMethod.Post, $"/api/v1/patients/{patientId}/invite", owner, new { sendBy });
                        if (invited is not null) expected.Enqueue(new Expected(unit, sendBy, kind == 0 ? email : phone, practiceId, patientId, Now()));
                        break;
                    }
                default:
                    {
                        var invitation = await Once("invite-none", HttpMethod.Post, $"/api/v1/patients/{patientId}/invite", owner, new { sendBy = "none" });
                        if (invitation?["code"] is not { } code) return;
                        var activated = await Once("activate", HttpMethod.Post, "/api/v1/auth/patient/activate", null,
                            new { code = code.GetValue<string>(), deviceId = $"chaos-notify-{run}-{unit}" });
                        if (activated?["accessToken"] is not { } patientToken) return;
                        var pushToken = $"chaos-push-{run}-{unit}";
                        if (await Once("register-push", HttpMethod.Post, "/api/v1/notifications/devices", patientToken.GetValue<string>(),
                                new { token = pushToken, platform = "android" }) is null) return;
                        var message = await Once("send-message", HttpMethod.Post, "/api/v1/messages", owner,
                            new { patientId, content = "Your aligners fit well. Keep going!" }, Guid.NewGuid().ToString());
                        if (message is not null) expected.Enqueue(new Expected(unit, "push", pushToken, practiceId, patientId, Now()));
                        break;
                    }
            }
        }

        var started = Now();
        var clock = Stopwatch.StartNew();
        var downAt = TimeSpan.FromSeconds(options.Before);
        var refuseAt = options.Fault switch
        {
            "503" => (TimeSpan?)null,
            "refuse" => downAt,
            _ => downAt + TimeSpan.FromSeconds(options.Outage / 2.0),
        };
        var upAt = downAt + TimeSpan.FromSeconds(options.Outage);
        var stopAt = upAt + TimeSpan.FromSeconds(options.After);
        long downMs = 0, refuseMs = 0, upMs = 0;

        // The timeline runs beside the production, so a slow request never delays the outage's start or end.
        async Task TimelineAsync()
        {
            await Task.Delay(downAt);
            fakes.Answer503 = true;
            downMs = Now();
            Console.WriteLine($"chaos-notify: [{Clock()}] providers down (503)");
            if (refuseAt is { } refuse)
            {
                var wait = refuse - clock.Elapsed;
                if (wait > TimeSpan.Zero) await Task.Delay(wait);
                await fakes.StopAsync();
                refuseMs = Now();
                Console.WriteLine($"chaos-notify: [{Clock()}] providers refuse connections");
            }
            var untilUp = upAt - clock.Elapsed;
            if (untilUp > TimeSpan.Zero) await Task.Delay(untilUp);
            if (refuseAt is not null) await fakes.StartAsync();
            fakes.Answer503 = false;
            upMs = Now();
            Console.WriteLine($"chaos-notify: [{Clock()}] providers up again");
        }

        async Task ProduceAsync()
        {
            for (var unit = 0; unit < practices.Count * PatientsPerPractice; unit++)
            {
                var due = TimeSpan.FromMilliseconds((double)unit * options.EveryMs);
                if (due >= stopAt) break;
                var wait = due - clock.Elapsed;
                if (wait > TimeSpan.Zero) await Task.Delay(wait);
                await UnitAsync(unit);
            }
        }

        try
        {
            await Task.WhenAll(TimelineAsync(), ProduceAsync());
        }
        catch (IOException e)
        {
            await Console.Error.WriteLineAsync($"chaos-notify: the fake providers could not listen again on 127.0.0.1:{options.FakesPort}: {e.Message}");
            return 2;
        }
        var producedMs = Now();
        var due = expected.ToList();
        Console.WriteLine($"chaos-notify: [{Clock()}] produced {due.Count} notification triggers ({events.Count} requests); waiting for the deliveries (at most {options.Settle} s)");

        // Settle: until every acknowledged trigger's recipient has an accepted delivery, then the grace period.
        var settled = false;
        var settleClock = Stopwatch.StartNew();
        while (settleClock.Elapsed < TimeSpan.FromSeconds(options.Settle))
        {
            var accepted = fakes.AcceptedRecipients();
            if (due.All(e => accepted.Contains(e.Recipient)))
            {
                settled = true;
                break;
            }
            await Task.Delay(500);
        }
        var settledMs = Now();
        Console.WriteLine(settled
            ? $"chaos-notify: [{Clock()}] every trigger delivered {(settledMs - upMs) / 1000.0:0.0} s after recovery; {options.Grace} s more for late duplicates"
            : $"chaos-notify: [{Clock()}] NOT every trigger delivered after {options.Settle} s");
        await Task.Delay(TimeSpan.FromSeconds(options.Grace));

        var hits = fakes.Hits.OrderBy(h => h.T).ToList();
        var report = new
        {
            baseUrl = options.BaseUrl.ToString(), fakesPort = options.FakesPort, fault = options.Fault, started, downMs,
            refuseMs = refuseMs == 0 ? (long?)null : refuseMs, upMs, producedMs, settledMs, settled, ended = Now(),
            practices = practices.Select(p => p.Id),
            events = events.OrderBy(e => e.T).Select(e => new { t = e.T, op = e.Op, status = e.Status, ms = e.Ms, body = e.Body }),
            expected = due.OrderBy(e => e.Unit).Select(e => new { unit = e.Unit, channel = e.Channel, recipient = e.Recipient, practiceId = e.PracticeId, patientId = e.PatientId, t = e.T }),
            hits = hits.Select(h => new { t = h.T, provider = h.Provider, key = h.Key, recipient = h.Recipient, status = h.Status }),
        };
        await File.WriteAllTextAsync(options.Out, JsonSerializer.Serialize(report, Indented));
        var byStatus = string.Join(", ", events.GroupBy(e => e.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"));
        var byAnswer = string.Join(", ", hits.GroupBy(h => $"{h.Provider} {h.Status}").OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"));
        Console.WriteLine($"chaos-notify: {events.Count} API requests ({byStatus}); {due.Count} triggers; provider requests answered: {byAnswer}; written to {options.Out}");
        return 0;

        string Clock() => DateTime.UtcNow.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
    }

    /// <summary>A zone where it is now between 09:00 and 17:00 (quiet hours default to 21:00-08:00 local), hours away from either end.</summary>
    private static string DaytimeZone()
    {
        string[] zones = ["Europe/Paris", "Asia/Tokyo", "America/New_York", "Asia/Kolkata", "America/Los_Angeles", "Pacific/Auckland", "America/Sao_Paulo", "Asia/Dubai"];
        foreach (var id in zones)
        {
            var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, TimeZoneInfo.FindSystemTimeZoneById(id));
            if (local.Hour is >= 9 and < 17) return id;
        }
        return "UTC";
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private sealed record Options(Uri BaseUrl, int FakesPort, int Before, int Outage, int After, int Settle, int Grace, int EveryMs, string Fault, string Out)
    {
        public static Options Parse(BenchArgs args)
        {
            var baseUrl = args.Url("base", "http://127.0.0.1:5397");
            int fakesPort = args.Int("fakes-port", 5399), before = args.Int("before", 10), outage = args.Int("outage", 60), after = args.Int("after", 20);
            int settle = args.Int("settle", 150), grace = args.Int("grace", 5), every = args.Int("every-ms", 1000);
            string fault = args.Get("fault", "mixed"), output = args.Get("out", "notify.json");
            args.RequireAllRead();
            if (fakesPort is < 1024 or > 65535) throw new ArgumentException("--fakes-port must be 1024..65535");
            if (before is < 0 or > 3600 || outage is < 1 or > 3600 || after is < 0 or > 3600) throw new ArgumentException("--before/--after 0..3600, --outage 1..3600");
            if (settle is < 1 or > 3600 || grace is < 0 or > 600) throw new ArgumentException("--settle 1..3600, --grace 0..600");
            if (every is < 100 or > 60_000) throw new ArgumentException("--every-ms must be 100..60000");
            if (fault is not ("mixed" or "503" or "refuse")) throw new ArgumentException("--fault must be mixed, 503 or refuse");
            return new Options(baseUrl, fakesPort, before, outage, after, settle, grace, every, fault, output);
        }
    }
}

/// <summary>One request a fake provider got. <see cref="Key"/>: the idempotency key sent (the notification id), null for FCM.</summary>
internal sealed record ProviderHit(long T, string Provider, string? Key, string? Recipient, int Status);

/// <summary>
/// SendGrid, Twilio and FCM as far as our transports use them, on one loopback port: 202/201/200 with the ids our code reads,
/// or 503 while <see cref="Answer503"/> is set; stopped, the port refuses connections. Only the third parties are faked.
/// </summary>
internal sealed class FakeProviders(int port) : IAsyncDisposable
{
    private WebApplication? _app;
    private long _sequence;

    public volatile bool Answer503;

    public ConcurrentQueue<ProviderHit> Hits { get; } = new();

    public HashSet<string> AcceptedRecipients() =>
        [.. Hits.Where(h => h.Status is >= 200 and < 300 && h.Provider != "fcm-token" && h.Recipient is not null).Select(h => h.Recipient!)];

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync();
        _app = app;
    }

    public async Task StopAsync()
    {
        if (_app is not { } app) return;
        _app = null;
        await app.StopAsync();
        await app.DisposeAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task HandleAsync(HttpContext context)
    {
        var t = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var path = context.Request.Path.Value ?? "";
        var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
        var provider = path switch
        {
            "/v3/mail/send" => "sendgrid",
            "/token" => "fcm-token",
            _ when path.StartsWith("/2010-04-01/Accounts/", StringComparison.Ordinal) && path.EndsWith("/Messages.json", StringComparison.Ordinal) => "twilio",
            _ when path.StartsWith("/v1/projects/", StringComparison.Ordinal) && path.EndsWith("/messages:send", StringComparison.Ordinal) => "fcm",
            _ => "unknown",
        };
        string? key = null, recipient = null;
        try
        {
            switch (provider)
            {
                case "sendgrid":
                    key = context.Request.Headers["Idempotency-Key"].FirstOrDefault();
                    recipient = JsonNode.Parse(body)?["personalizations"]?[0]?["to"]?[0]?["email"]?.GetValue<string>();
                    break;
                case "twilio":
                    key = context.Request.Headers["I-Twilio-Idempotency-Token"].FirstOrDefault();
                    recipient = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(body).TryGetValue("To", out var to) ? to.ToString() : null;
                    break;
                case "fcm":
                    recipient = JsonNode.Parse(body)?["message"]?["token"]?.GetValue<string>();
                    break;
            }
        }
        catch (JsonException)
        {
            provider += "-unreadable";
        }

        var id = Interlocked.Increment(ref _sequence);
        var (status, json) = Answer503
            ? (503, """{"errors":[{"message":"Service unavailable (chaos)."}]}""")
            : provider switch
            {
                "sendgrid" => (202, ""),
                "twilio" => (201, $$"""{"sid":"SMchaos{{id:D26}}","status":"queued"}"""),
                "fcm-token" => (200, """{"access_token":"ya29.chaos-access-token","expires_in":3599,"token_type":"Bearer"}"""),
                "fcm" => (200, $$"""{"name":"projects/chaos/messages/0:{{id}}"}"""),
                _ => (404, """{"error":"not a path the fakes know"}"""),
            };
        Hits.Enqueue(new ProviderHit(t, provider, key, recipient, status));
        context.Response.StatusCode = status;
        if (status == 503) context.Response.Headers.RetryAfter = "5";
        if (provider == "sendgrid" && status == 202) context.Response.Headers["X-Message-Id"] = $"sg-chaos-{id}";
        if (json.Length > 0)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(json);
        }
    }
}
