using System.Globalization;
using System.Net;
using System.Text.Json;
using Npgsql;
using OrthoScan.Api.Infrastructure.Security;
using OrthoScan.Api.Tests.Imaging;
using OrthoScan.Load.Review;
using OtpNet;

namespace OrthoScan.Load.Mix;

/// <summary>
/// The realistic mix of issue 17 (`make load`, tests/load/run-load.sh):
///   mix-generate   register one practice through the API, then bulk-load the large tenant mix with binary COPY
///                  (Review/Generator: practices, members with a known password, patients, sessions, images, tag sets,
///                  AI suggestions, message threads and messages).
///   mix-run        sign in doctors and staff of many practices (password and TOTP, through the API) and activate
///                  patients' apps, then run doctors reviewing and tagging, staff browsing and patients scanning and
///                  writing, --users at once for --duration-s, and print per route requests/s, p50/p95/p99 and errors,
///                  the server processes' CPU and memory, and the verdict against the targets.
/// This process is only the load: the API, the worker and PostgreSQL run in their own processes (their pids are given).
/// </summary>
public static class MixBench
{
    /// <summary>The password every generated member account gets (a load database only).</summary>
    public const string MemberPassword = "load-mix-member-password-0123";
    private const double DashboardReadP99Target = 200, WriteP99Target = 500;

    public static bool Handles(string[] args) => args.Length > 0 && args[0] is "mix-generate" or "mix-run";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new BenchArgs(args);
        var baseUrl = options.Url("base-url", "http://127.0.0.1:5095");
        var statePath = options.Get("state", ".local/load/state.json");
        var ownerCs = BenchArgs.BenchOwnerConnectionString();
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10), MaxConnectionsPerServer = 256 })
        {
            BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30),
        };
        var api = new Api(http, baseUrl);

        if (args[0] == "mix-generate")
        {
            var scale = new Scale(options.Int("practices", 200), options.Int("patients", 100_000), options.Int("sessions", 1_000_000), options.Int("bench-ready", 0),
                options.Int("seed", 20261208));
            options.RequireAllRead();
            var state = await BenchState.RegisterAsync(api);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(statePath))!);
            await File.WriteAllTextAsync(statePath, JsonSerializer.Serialize(state));
            await Generator.RunAsync(ownerCs, state, scale, new PasswordHasher().Hash(MemberPassword));
            return 0;
        }

        var run = new MixOptions(
            options.Int("users", 32), options.Int("practices-used", 16), TimeSpan.FromSeconds(options.Int("warmup-s", 10)), TimeSpan.FromSeconds(options.Int("duration-s", 60)),
            options.Int("photo-width", 1600), options.Get("report", ""), options.Get("pids", ""), options.Int("latency-verdict", 1) == 1,
            new ThinkTimes(options.Int("doctor-min-ms", 300), options.Int("doctor-max-ms", 900), options.Int("staff-min-ms", 500), options.Int("staff-max-ms", 1500),
                options.Int("patient-min-ms", 1000), options.Int("patient-max-ms", 3000)));
        options.RequireAllRead();
        if (run.Duration > TimeSpan.FromMinutes(8)) throw new ArgumentException("--duration-s: at most 480 (access tokens live 10 minutes and are not refreshed)");
        return await RunMixAsync(http, ownerCs, run with { SecretsPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(statePath))!, "totp-secrets.json") });
    }

    private static async Task<int> RunMixAsync(HttpClient http, string ownerCs, MixOptions options)
    {
        var doctors = (int)Math.Round(options.Users * 0.4);
        var staff = (int)Math.Round(options.Users * 0.2);
        var patients = options.Users - doctors - staff;
        Console.WriteLine($"mix-run: {options.Users} people at once ({doctors} doctors, {staff} staff, {patients} patients) of {options.PracticesUsed} practices; " +
                          $"warm-up {options.Warmup.TotalSeconds:0} s, measured {options.Duration.TotalSeconds:0} s; load average {Runner.LoadAverage()}");

        var photos = Enumerable.Range(0, 5).Select(i =>
        {
            using var image = TestImages.Teeth(options.PhotoWidth, options.PhotoWidth * 3 / 4, seed: 7000 + (i * 7919));
            return TestImages.Jpeg(image, quality: 90);
        }).ToArray();
        Console.WriteLine($"photos: 5 x {options.PhotoWidth}x{options.PhotoWidth * 3 / 4} JPEG, {photos.Sum(p => p.Length) / 5 / 1024} KiB each on average");

        var cast = await Cast.SignInAsync(http, ownerCs, options.SecretsPath, options.PracticesUsed, doctors, staff, patients);
        Console.WriteLine($"signed in {cast.Doctors.Count} doctors and {cast.Staff.Count} staff through password + TOTP, activated {cast.Patients.Count} patient apps ({cast.SetupSeconds:0.0} s)");

        var recorder = new Recorder();
        var traffic = new Traffic(http, recorder);
        var people = cast.Doctors.Select(d => (Person)new Doctor(traffic, d.Token, d.Practice, options.Think))
            .Concat(cast.Staff.Select(s => new Staff(traffic, s.Token, s.Practice, options.Think)))
            .Concat(cast.Patients.Select(p => new Patient(traffic, p.Token, photos, options.Think))).ToList();

        await using var sampler = new ProcessSampler(ParsePids(options.Pids));
        sampler.Start(() => recorder.Now);
        var opens = recorder.Now + options.Warmup;
        recorder.Open(opens, opens + options.Duration);
        using var stop = new CancellationTokenSource(options.Warmup + options.Duration + TimeSpan.FromSeconds(1));
        var running = people.Select(p => Task.Run(() => p.RunAsync(stop.Token))).ToList();
        await Task.Delay(options.Warmup);
        sampler.Open(recorder.Now);
        await Task.Delay(options.Duration);
        sampler.Close(recorder.Now);
        await Task.WhenAll(running);

        var report = new System.Text.StringBuilder();
        report.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Realistic mix: {options.Users} people at once ({doctors} doctors, {staff} staff, {patients} patients) of {options.PracticesUsed} practices, " +
            $"{options.Duration.TotalSeconds:0} s measured after {options.Warmup.TotalSeconds:0} s of warm-up; think times doctor {options.Think.DoctorMinMs}-{options.Think.DoctorMaxMs} ms, " +
            $"staff {options.Think.StaffMinMs}-{options.Think.StaffMaxMs} ms, patient {options.Think.PatientMinMs}-{options.Think.PatientMaxMs} ms."));
        report.AppendLine();
        report.Append(recorder.Markdown());
        report.AppendLine();
        report.Append(sampler.Markdown());
        report.AppendLine();
        var reads = recorder.Overall(k => k is RouteKind.DashboardRead);
        var writes = recorder.Overall(k => k is RouteKind.Upload or RouteKind.Write);
        var appReads = recorder.Overall(k => k is RouteKind.PatientRead);
        var errors = recorder.Lines().Sum(l => l.Errors);
        var total = recorder.Lines().Sum(l => l.Count);
        var verdicts = new List<(string Text, bool Met)>
        {
            (string.Create(CultureInfo.InvariantCulture, $"dashboard reads p99 {reads.P99:0.0} ms over {reads.Count} requests; target < {DashboardReadP99Target} ms"), reads.P99 < DashboardReadP99Target),
            (string.Create(CultureInfo.InvariantCulture, $"uploads and tag/message submissions p99 {writes.P99:0.0} ms over {writes.Count} requests; target < {WriteP99Target} ms"), writes.P99 < WriteP99Target),
            ($"errors: {errors} of {total + errors} requests; target 0", errors == 0),
            (string.Create(CultureInfo.InvariantCulture, $"every kind of traffic ran (dashboard reads {reads.Count}, app reads {appReads.Count}, uploads and submissions {writes.Count})"),
                reads.Count > 0 && appReads.Count > 0 && writes.Count > 0),
        };
        report.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Total: {total / options.Duration.TotalSeconds:0.0} requests/s answered 2xx."));
        foreach (var (text, met) in verdicts.Take(2)) report.AppendLine($"- {text}: {(met ? "MET" : "NOT MET")}{(options.LatencyVerdict ? "" : " (informational in the smoke)")}");
        foreach (var (text, met) in verdicts.Skip(2)) report.AppendLine($"- {text}: {(met ? "MET" : "NOT MET")}");
        Console.WriteLine();
        Console.Write(report);
        foreach (var e in recorder.FirstErrors()) await Console.Error.WriteLineAsync("mix: error " + e);
        if (options.Report.Length > 0) await File.WriteAllTextAsync(options.Report, report.ToString());
        return verdicts.Skip(options.LatencyVerdict ? 0 : 2).All(v => v.Met) ? 0 : 1;
    }

    private static Dictionary<string, int> ParsePids(string pids) =>
        pids.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('='))
            .ToDictionary(p => p[0], p => int.Parse(p[1], CultureInfo.InvariantCulture));
}

/// <param name="LatencyVerdict">false for the smoke: a few seconds are too few for a p99, so only errors and coverage decide.</param>
internal sealed record MixOptions(int Users, int PracticesUsed, TimeSpan Warmup, TimeSpan Duration, int PhotoWidth, string Report, string Pids, bool LatencyVerdict, ThinkTimes Think)
{
    public string SecretsPath { get; init; } = "";
}

/// <summary>The people of the run, signed in through the public API like real users (no token is minted by the harness).</summary>
internal sealed class Cast
{
    public sealed record Member(string Token, PracticeView Practice);

    public List<Member> Doctors { get; } = [];
    public List<Member> Staff { get; } = [];
    public List<Member> Patients { get; } = [];
    public double SetupSeconds { get; private set; }

    /// <param name="secretsPath">The members' TOTP secrets, kept beside the run's state: a kept database's members are enrolled already.</param>
    public static async Task<Cast> SignInAsync(HttpClient http, string ownerCs, string secretsPath, int practiceCount, int doctors, int staff, int patients)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var api = new Api(http, http.BaseAddress!);
        await using var db = NpgsqlDataSource.Create(ownerCs);
        // Practices spread over the whole set (generated ones, whose members have the known password).
        var practiceIds = new List<Guid>();
        await using (var cmd = db.CreateCommand(
                         "SELECT id FROM (SELECT p.id, row_number() OVER (ORDER BY p.id) AS n, count(*) OVER () AS total FROM practices p " +
                         "WHERE EXISTS (SELECT 1 FROM practice_members m JOIN user_accounts u ON u.id = m.user_id WHERE m.practice_id = p.id AND u.password_hash IS NOT NULL AND m.role = 'doctor')) x " +
                         "WHERE (n - 1) % GREATEST(total / @k, 1) = 0 LIMIT @k"))
        {
            cmd.Parameters.AddWithValue("k", practiceCount);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) practiceIds.Add(r.GetGuid(0));
        }
        if (practiceIds.Count == 0) throw new InvalidOperationException("no generated practice with signed-in-able members: run mix-generate first");

        var practices = new List<PracticeView>();
        var members = new List<(PracticeView Practice, string Email, string Role)>();
        foreach (var id in practiceIds)
        {
            var list = new List<(Guid, string)>();
            await using (var cmd = db.CreateCommand("SELECT id, last_name FROM patients WHERE practice_id = @p AND status = 'active' ORDER BY id LIMIT 200"))
            {
                cmd.Parameters.AddWithValue("p", id);
                await using var r = await cmd.ExecuteReaderAsync();
                while (await r.ReadAsync()) list.Add((r.GetGuid(0), r.GetString(1)));
            }
            var practice = new PracticeView(id, list);
            practices.Add(practice);
            await using (var cmd = db.CreateCommand(
                             "SELECT u.email, m.role FROM practice_members m JOIN user_accounts u ON u.id = m.user_id " +
                             "WHERE m.practice_id = @p AND u.password_hash IS NOT NULL AND m.role IN ('doctor', 'staff') ORDER BY m.role, u.email"))
            {
                cmd.Parameters.AddWithValue("p", id);
                await using var r = await cmd.ExecuteReaderAsync();
                while (await r.ReadAsync()) members.Add((practice, r.GetString(0), r.GetString(1)));
            }
        }

        // Round-robin over the practices, so that every practice has people in the run.
        List<(PracticeView Practice, string Email)> Pick(string role, int count)
        {
            var byPractice = members.Where(m => m.Role == role).GroupBy(m => m.Practice).Select(g => new Queue<(PracticeView, string)>(g.Select(m => (m.Practice, m.Email)))).ToList();
            var picked = new List<(PracticeView, string)>();
            for (var i = 0; picked.Count < count && byPractice.Any(q => q.Count > 0); i++)
                if (byPractice[i % byPractice.Count].TryDequeue(out var m)) picked.Add(m);
            if (picked.Count < count) throw new InvalidOperationException($"only {picked.Count} {role} accounts in {practices.Count} practices; use more --practices-used");
            return picked;
        }

        var cast = new Cast();
        var secrets = File.Exists(secretsPath) ? JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(secretsPath))! : [];
        var gate = new SemaphoreSlim(4); // password hashing is deliberately slow: a few sign-ins at a time
        async Task<Member> SignIn((PracticeView Practice, string Email) m)
        {
            await gate.WaitAsync();
            try
            {
                for (var attempt = 0; ; attempt++)
                {
                    var challenge = await api.SendAsJsonAsync(HttpMethod.Post, "/api/v1/auth/login", null, new { email = m.Email, password = MixBench.MemberPassword }, HttpStatusCode.OK);
                    var mfaToken = challenge["mfaToken"]!.GetValue<string>();
                    // The first sign-in enrols the authenticator; later runs on a kept database verify with the kept secret.
                    if (challenge["mfaRequired"]!.GetValue<string>() == "enroll")
                    {
                        var enrolled = await api.SendAsJsonAsync(HttpMethod.Post, "/api/v1/auth/mfa/enroll", null, new { mfaToken }, HttpStatusCode.OK);
                        lock (secrets) secrets[m.Email] = enrolled["secret"]!.GetValue<string>();
                    }
                    string secret;
                    lock (secrets) secret = secrets.TryGetValue(m.Email, out var kept) ? kept : throw new InvalidOperationException($"{m.Email} enrolled MFA in a run whose secrets file is gone ({secretsPath})");
                    try
                    {
                        var code = new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(DateTime.UtcNow);
                        var tokens = await api.SendAsJsonAsync(HttpMethod.Post, "/api/v1/auth/mfa/verify", null, new { mfaToken, code }, HttpStatusCode.OK);
                        return new Member(tokens["accessToken"]!.GetValue<string>(), m.Practice);
                    }
                    catch (InvalidOperationException) when (attempt < 2)
                    {
                        // This step's code was used by the previous run's sign-in (the API takes a code once): the next step.
                        await Task.Delay(TimeSpan.FromSeconds(31 - (DateTime.UtcNow.Second % 30)));
                    }
                }
            }
            finally
            {
                gate.Release();
            }
        }
        cast.Doctors.AddRange(await Task.WhenAll(Pick("doctor", doctors).Select(SignIn)));
        cast.Staff.AddRange(await Task.WhenAll(Pick("staff", staff).Select(SignIn)));
        await File.WriteAllTextAsync(secretsPath, JsonSerializer.Serialize(secrets));

        // Each patient is invited by a doctor of their practice (the code shown, not sent) and activates the app.
        var inviters = cast.Doctors.GroupBy(d => d.Practice).ToDictionary(g => g.Key, g => g.First().Token);
        var invited = Enumerable.Range(0, patients).Select(i =>
        {
            var practice = practices[i % practices.Count];
            return (Practice: practice, PatientId: practice.Patients[i / practices.Count % practice.Patients.Count].Id);
        }).ToList();
        cast.Patients.AddRange(await Task.WhenAll(invited.Select(async p =>
        {
            var token = inviters.TryGetValue(p.Practice, out var t) ? t : cast.Doctors[0].Token;
            var invitation = await api.SendAsJsonAsync(HttpMethod.Post, $"/api/v1/patients/{p.PatientId}/invite", token, new { sendBy = "none" }, HttpStatusCode.OK);
            var app = await api.ActivateAsync(invitation["code"]!.GetValue<string>());
            return new Member(app.AccessToken, p.Practice);
        })));
        cast.SetupSeconds = clock.Elapsed.TotalSeconds;
        return cast;
    }
}
