using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using OtpNet;

namespace OrthoScan.Load.Review;

/// <summary>
/// Review benchmarks of issue 5 at scale (docs/performance.md, "Review feed, analytics and tagging at scale"):
///   review-generate   register the bench practice through the API, then bulk-load 200 practices, 100,000 patients and
///                     1,000,000 scan sessions (with images and tag sets) with binary COPY as the owner role; ANALYZE.
///   review-run        analytics and tag submission through the API (authenticated, under RLS), analytics side by side with
///                     its bare twin (same SQL, raw Npgsql, no auth, no RLS) served by a Kestrel inside this process.
///                     (The feed against its twin: Feed/FeedBench.cs, run by `make load`.)
/// Both read the owner connection string from ConnectionStrings__Owner (a dedicated database, never the dev one) and
/// keep the bench practice's credentials in --state (a JSON file).
/// </summary>
public static class ReviewBench
{
    public static bool Handles(string[] args) => args.Length > 0 && args[0] is "review-generate" or "review-run";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new BenchArgs(args);
        var baseUrl = options.Url("base-url", "http://127.0.0.1:5095");
        var statePath = options.Get("state", ".local/review-bench-state.json");
        var ownerCs = BenchArgs.BenchOwnerConnectionString();

        using var http = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            MaxConnectionsPerServer = 256,
        })
        { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
        var api = new Api(http, baseUrl);

        if (args[0] == "review-generate")
        {
            var scale = new Scale(options.Int("practices", 200), options.Int("patients", 100_000), options.Int("sessions", 1_000_000), options.Int("bench-ready", 3000),
                options.Int("seed", 20261126));
            options.RequireAllRead();
            var state = await BenchState.RegisterAsync(api);
            await File.WriteAllTextAsync(statePath, JsonSerializer.Serialize(state));
            Console.WriteLine($"bench practice registered through the API: {state.PracticeId} ({state.Email}); state in {statePath}");
            await Generator.RunAsync(ownerCs, state, scale);
            return 0;
        }

        var run = new RunOptions(
            options.Int("concurrency", 32), TimeSpan.FromSeconds(options.Int("duration-s", 20)), TimeSpan.FromSeconds(options.Int("warmup-s", 5)), options.Int("repeat", 3),
            options.Int("tag-concurrency", 8), options.Int("tag-count", 1000), options.Int("bare-port", 5096), options.Get("only", "analytics,tags").Split(','),
            options.Int("probe-s", 10));
        options.RequireAllRead();
        var saved = JsonSerializer.Deserialize<BenchState>(await File.ReadAllTextAsync(statePath))!;
        return await Runner.RunAsync(api, http, ownerCs, saved, run);
    }
}

internal sealed record Scale(int Practices, int Patients, int Sessions, int BenchReady, int Seed);

internal sealed record RunOptions(
    int Concurrency, TimeSpan Duration, TimeSpan Warmup, int Repeat, int TagConcurrency, int TagCount, int BarePort, string[] Only, int ProbeSeconds);

/// <summary>The bench practice: registered and MFA-enrolled through the real API, so the runs can sign in like a doctor.</summary>
internal sealed record BenchState(string Email, string Password, string TotpSecret, Guid PracticeId, Guid OwnerMemberId)
{
    public static async Task<BenchState> RegisterAsync(Api api)
    {
        var email = $"bench.{Guid.NewGuid():N}@bench.orthoscan.local";
        const string password = "review-bench-password-0123";
        var registered = await api.SendAsJsonAsync(HttpMethod.Post, "/api/v1/auth/register", null,
            new { practiceName = "Bench Practice", ownerName = "Dr. Bench", email, password }, HttpStatusCode.Created);
        var mfaToken = registered["mfaToken"]!.GetValue<string>();
        var enrolled = await api.SendAsJsonAsync(HttpMethod.Post, "/api/v1/auth/mfa/enroll", null, new { mfaToken }, HttpStatusCode.OK);
        var secret = enrolled["secret"]!.GetValue<string>();
        var code = new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(DateTime.UtcNow);
        var tokens = await api.SendAsJsonAsync(HttpMethod.Post, "/api/v1/auth/mfa/verify", null, new { mfaToken, code }, HttpStatusCode.OK);
        var me = await api.SendAsJsonAsync(HttpMethod.Get, "/api/v1/practice", tokens["accessToken"]!.GetValue<string>(), null, HttpStatusCode.OK);
        return new BenchState(email, password, secret, me["id"]!.GetValue<Guid>(), me["me"]!["id"]!.GetValue<Guid>());
    }

    /// <summary>Password, then a TOTP code of a step not used yet (the API refuses a code twice).</summary>
    public async Task<string> SignInAsync(Api api)
    {
        for (var attempt = 0; ; attempt++)
        {
            var challenge = await api.SendAsJsonAsync(HttpMethod.Post, "/api/v1/auth/login", null, new { email = Email, password = Password }, HttpStatusCode.OK);
            var code = new Totp(Base32Encoding.ToBytes(TotpSecret)).ComputeTotp(DateTime.UtcNow);
            try
            {
                var tokens = await api.SendAsJsonAsync(HttpMethod.Post, "/api/v1/auth/mfa/verify", null,
                    new { mfaToken = challenge["mfaToken"]!.GetValue<string>(), code }, HttpStatusCode.OK);
                return tokens["accessToken"]!.GetValue<string>();
            }
            catch (InvalidOperationException) when (attempt < 2)
            {
                // This step's code was already used (by the previous sign-in): wait for the next one.
                await Task.Delay(TimeSpan.FromSeconds(31 - DateTime.UtcNow.Second % 30));
            }
        }
    }
}
