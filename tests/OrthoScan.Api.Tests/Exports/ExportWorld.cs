using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using OrthoScan.Api.Tests.Analytics;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Imaging;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.PlatformUsers;
using OrthoScan.Api.Tests.Scans;
using Shouldly;

namespace OrthoScan.Api.Tests.Exports;

/// <summary>
/// The export tests' own host and database (so no other test's practices share data into them), saving progress after
/// every row so a small export still shows it move.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ExportCollection : ICollectionFixture<ApiFactory>
{
    public const string Name = "exports";
}

/// <summary>A patient as seeded, with everything that must never reach a dataset.</summary>
public sealed record SeededPatient(Guid Id, string FirstName, string LastName, string Email, string Phone, DateOnly DateOfBirth, bool Exported);

/// <summary>
/// Two practices, one sharing de-identified data (DE-BY) and one not (FR-IDF). The sharing one has six consenting patients
/// on one aligner brand (one of them with a real scan whose photos carry EXIF: maker, model, date, GPS), five consenting
/// patients each on a brand of their own (generalised to "other" for k = 5), one consenting child on a rare brand (even
/// fully generalised alone: suppressed), and one patient without consent. The other practice has five consenting patients.
/// Every patient has names, an email, a phone and a date of birth; every scan has notes, calendar dates, double reviews on
/// some, detail tags (one of them a practice's own code) and an AI suggestion the reviewer saw.
/// </summary>
public sealed class ExportWorld
{
    public const int K = 5;
    public const int ExportedPatients = 11;
    public const int GeneralisedPatients = 5;
    public const int SuppressedPatients = 1;

    public required Session Admin { get; init; }
    public required Session SharingOwner { get; init; }
    public required Session PrivateOwner { get; init; }
    public required List<SeededPatient> Patients { get; init; }
    /// <summary>Every id of the seed (patients, sessions, tag sets, practices, members, users): none may leave in a dataset.</summary>
    public required List<Guid> Ids { get; init; }
    public required List<string> Notes { get; init; }
    /// <summary>Calendar days of the seed (scans, reviews, treatment starts, dates of birth).</summary>
    public required List<DateOnly> Dates { get; init; }
    /// <summary>Other text that must not appear: practice names, the opted-out and suppressed brands and region, EXIF strings.</summary>
    public required List<string> Secrets { get; init; }

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Dictionary<ApiFactory, ExportWorld> Worlds = [];

    public static async Task<ExportWorld> OfAsync(ApiFactory api)
    {
        await Gate.WaitAsync();
        try
        {
            if (!Worlds.TryGetValue(api, out var world)) Worlds[api] = world = await SeedAsync(api);
            return world;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<ExportWorld> SeedAsync(ApiFactory api)
    {
        api.Settings["OrthoScan:Exports:ProgressEveryRows"] = "1";
        var token = Guid.NewGuid().ToString("N")[..8];
        var ids = new List<Guid>();
        var notes = new List<string>();
        var dates = new List<DateOnly>();
        var secrets = new List<string> { "LeakyCamMaker", "LeakPhone 9", "RareBrand" + token, "NoConsentBrand" + token, "FR-IDF", "ada@example.com" };
        var patients = new List<SeededPatient>();

        var sharing = await api.RegisterPracticeAsync("Sharing Practice " + token);
        var privately = await api.RegisterPracticeAsync("Private Practice " + token);
        secrets.AddRange(["Sharing Practice " + token, "Private Practice " + token]);
        (await api.As(sharing).PatchAsJsonAsync("/api/v1/practice/settings", new { country = "DE", region = "BY", shareDeidentifiedData = true })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await api.As(privately).PatchAsJsonAsync("/api/v1/practice/settings", new { country = "FR", region = "IDF" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var doctor = await api.AddMemberAsync(sharing, "doctor");
        var ownerMember = await api.MemberIdAsync(sharing);
        var doctorMember = await api.MemberIdAsync(doctor);
        var privateMember = await api.MemberIdAsync(privately);
        ids.AddRange([sharing.PracticeId, privately.PracticeId, sharing.UserId, privately.UserId, AnalyticsData.UserId(doctor), ownerMember, doctorMember, privateMember]);

        var treatmentStart = new DateOnly(2026, 2, 1);
        dates.Add(treatmentStart);
        var seeds = new List<(Session Owner, Guid Member, Guid? Second, string Brand, DateOnly Birth, bool Consent, bool Exported)>();
        for (var i = 0; i < 5; i++) seeds.Add((sharing, ownerMember, i < 3 ? doctorMember : null, "Invisalign", new DateOnly(1985 + i, 3, 9 + i), true, true));
        for (var i = 0; i < 5; i++) seeds.Add((sharing, ownerMember, null, $"Brand{(char)('A' + i)}{token}", new DateOnly(1990 + i, 7, 1 + i), true, true));
        seeds.Add((sharing, ownerMember, null, "RareBrand" + token, new DateOnly(2018, 5, 17), true, false));
        seeds.Add((sharing, ownerMember, doctorMember, "NoConsentBrand" + token, new DateOnly(1991, 11, 23), false, false));
        for (var i = 0; i < 5; i++) seeds.Add((privately, privateMember, null, "Invisalign", new DateOnly(1986 + i, 1, 2 + i), true, false));

        for (var n = 0; n < seeds.Count; n++)
        {
            var (owner, member, second, brand, birth, consent, exported) = seeds[n];
            var patient = new SeededPatient(Guid.Empty, "Fn" + token + n, "Ln" + token + n, $"patient{n}.{token}@mail.example", Phone(), birth, exported);
            var created = await (await api.As(owner).PostAsJsonAsync("/api/v1/patients", new
            {
                firstName = patient.FirstName, lastName = patient.LastName, dateOfBirth = birth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                email = patient.Email, phone = patient.Phone, alignerBrand = brand, totalStages = 30, currentStage = 2, researchConsent = consent,
            })).ShouldBeAsync<PatientDto>(HttpStatusCode.Created);
            (await api.As(owner).PatchAsJsonAsync($"/api/v1/patients/{created.Id}", new { treatmentStartDate = "2026-02-01" })).StatusCode.ShouldBe(HttpStatusCode.OK);
            patients.Add(patient with { Id = created.Id });
            ids.Add(created.Id);
            dates.Add(birth);

            // Two scans, a week apart, each a distinct day, so every patient's days since the treatment start are their own.
            var first = new DateTime(2026, 3, 1, 10, 30, 0, DateTimeKind.Utc).AddDays(n);
            foreach (var (submitted, scan) in new[] { (first, 0), (first.AddDays(7), 1) })
            {
                var session = await api.SessionAsync(owner, created.Id, "reviewed", submitted, submitted.AddHours(5));
                ids.Add(session);
                dates.Add(DateOnly.FromDateTime(submitted));
                var reviewers = scan == 0 && second is { } other ? new[] { member, other } : [member];
                foreach (var reviewer in reviewers)
                {
                    var note = $"Private note {token}-{n}-{scan}-{reviewer.ToString()[..4]}: call {patient.FirstName} about the gap";
                    notes.Add(note);
                    ids.Add(await TagSetAsync(api, owner, session, reviewer, submitted.AddHours(5), note));
                }
            }
        }

        // One patient of the shared brand with a real scan: photos with EXIF (maker, model, date, GPS) through the pipeline.
        var app = await api.PatientAppAsync(sharing, "Exif" + token);
        var exifPatient = new SeededPatient(app.PatientId, "Pat", "Exif" + token, $"exif.{token}@mail.example", Phone(), new DateOnly(1990, 4, 12), true);
        (await api.As(sharing).PatchAsJsonAsync($"/api/v1/patients/{app.PatientId}", new
        {
            researchConsent = true, alignerBrand = "Invisalign", email = exifPatient.Email, phone = exifPatient.Phone, treatmentStartDate = "2026-02-01",
        })).StatusCode.ShouldBe(HttpStatusCode.OK);
        patients.Add(exifPatient);
        ids.Add(app.PatientId);
        dates.Add(exifPatient.DateOfBirth);
        var exif = new ExifWriter(Make: "LeakyCamMaker", Model: "LeakPhone 9", DateTimeOriginal: "2026:03:14 09:26:53");
        var scanned = await api.SendScanAndWaitAsync(app, view => exif.Into(ScanFlow.Photo(view.Length * 7)));
        ids.Add(scanned.Id);
        dates.Add(DateOnly.FromDateTime(DateTime.UtcNow));
        dates.Add(new DateOnly(2026, 3, 14));
        var scanNote = $"Private note {token}-exif: photos fine";
        notes.Add(scanNote);
        ids.Add(await TagSetAsync(api, sharing, scanned.Id, ownerMember, DateTime.UtcNow, scanNote));

        var admin = await api.CreatePlatformUserAsync("platform_admin");
        ids.Add(AnalyticsData.UserId(admin));
        return new ExportWorld
        {
            Admin = admin, SharingOwner = sharing, PrivateOwner = privately, Patients = patients, Ids = ids, Notes = notes, Dates = dates, Secrets = secrets,
        };
    }

    private static string Phone() => "+4915" + Random.Shared.NextInt64(100_000_000, 999_999_999).ToString(CultureInfo.InvariantCulture);

    private static async Task<Guid> TagSetAsync(ApiFactory api, Session owner, Guid sessionId, Guid member, DateTime taggedAt, string note)
    {
        var id = Guid.CreateVersion7();
        await using var sql = await Sql.OpenAsync(api.OwnerConnectionString, owner.PracticeId);
        await sql.ExecuteAsync("""
            INSERT INTO tag_sets (id, practice_id, session_id, tagged_by, taxonomy_version, review_opened_at, tagged_at, overall_tracking, aligner_fit,
                                  oral_hygiene, detail_tags, action_taken, notes, ai_suggested, ai_overridden, ai_outcomes)
            VALUES (@id, @practice, @session, @member, '2026.1', @opened, @tagged, 2, NULL, 1,
                    '[{"Code": "plaque", "Location": "upper"}, {"Code": "custom_practice_secret_tag", "Location": null}]'::jsonb,
                    'approve_progression', @note, true, false,
                    '[{"attribute": "overall_tracking", "suggested": "2", "chosen": "2", "confidence": 0.81, "model": "orthoscan-mlnet@1", "overridden": false}]'::jsonb)
            """,
            ("id", id), ("practice", owner.PracticeId), ("session", sessionId), ("member", member), ("opened", taggedAt.AddSeconds(-40)),
            ("tagged", taggedAt), ("note", note));
        return id;
    }

    /// <summary>Starts an export as the admin and waits for the job to finish it (or fail it).</summary>
    public async Task<ExportViewDto> ExportAsync(ApiFactory api, object body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tags/export") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Admin.AccessToken);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        var started = await (await api.CreateClient().SendAsync(request)).ShouldBeAsync<ExportViewDto>(HttpStatusCode.Created);
        return await WaitAsync(api, started.Id);
    }

    public async Task<ExportViewDto> WaitAsync(ApiFactory api, Guid id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var export = await (await api.As(Admin).GetAsync($"/api/v1/tags/export/{id}")).ShouldBeAsync<ExportViewDto>(HttpStatusCode.OK);
            if (export.Status is ExportStatus.Completed or ExportStatus.Failed) return export;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Export {id} still {export.Status} after 90 s.");
            await Task.Delay(200);
        }
    }

    /// <summary>Downloads a completed export through its link (anonymously, as a browser would) and opens the ZIP.</summary>
    public static async Task<(ZipArchive Zip, HttpResponseMessage Response)> DownloadAsync(ApiFactory api, ExportViewDto export)
    {
        var response = await api.CreateClient().GetAsync(export.DownloadUrl.ShouldNotBeNull());
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return (new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read), response);
    }

    /// <summary>Every way a day might be written in a file.</summary>
    public static IEnumerable<string> Renderings(DateOnly day) => DateFormats.Select(format => day.ToString(format, CultureInfo.InvariantCulture));

    private static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyy/MM/dd", "yyyy':'MM':'dd", "yyyyMMdd", "dd.MM.yyyy", "MM/dd/yyyy", "dd/MM/yyyy", "d MMM yyyy", "MMMM d, yyyy"];
}
