using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace OrthoScan.Load.Mix;

/// <summary>A practice as the load sees it: its doctors share one review queue (a scan is claimed by one of them).</summary>
internal sealed class PracticeView(Guid id, IReadOnlyList<(Guid Id, string LastName)> patients)
{
    public Guid Id { get; } = id;
    public IReadOnlyList<(Guid Id, string LastName)> Patients { get; } = patients;
    public ConcurrentDictionary<Guid, byte> Claimed { get; } = new();
}

/// <summary>How long a person pauses between actions: reading a screen, looking at photos, framing the next view.</summary>
internal sealed record ThinkTimes(int DoctorMinMs, int DoctorMaxMs, int StaffMinMs, int StaffMaxMs, int PatientMinMs, int PatientMaxMs)
{
    public static Task PauseAsync(int min, int max, CancellationToken stop) => Task.Delay(Random.Shared.Next(min, max + 1), stop);
}

/// <summary>One simulated person: runs actions until the run stops; a failed step (recorded) ends only that action.</summary>
internal abstract class Person(Traffic traffic, string token)
{
    protected Traffic Traffic { get; } = traffic;
    protected string Token { get; } = token;

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await ActAsync(stop);
            }
            catch (MixStepFailed)
            {
                await Task.Delay(200, CancellationToken.None);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        }
    }

    protected abstract Task ActAsync(CancellationToken stop);
}

/// <summary>
/// A doctor working through the review queue, as the dashboard's keyboard review does: the feed (sometimes paging deeper),
/// a scan's detail, now and then the patient's earlier scans, then the tags; sometimes a message to a patient.
/// </summary>
internal sealed class Doctor(Traffic traffic, string token, PracticeView practice, ThinkTimes think) : Person(traffic, token)
{
    protected override async Task ActAsync(CancellationToken stop)
    {
        var page = await Traffic.SendAsync("GET /dashboard/feed", RouteKind.DashboardRead, HttpMethod.Get, "api/v1/dashboard/feed?limit=20", Token);
        for (var depth = Random.Shared.Next(4) == 0 ? Random.Shared.Next(1, 4) : 0; depth > 0 && page!["nextCursor"]?.GetValue<string>() is { } cursor; depth--)
        {
            page = await Traffic.SendAsync("GET /dashboard/feed?cursor= (deeper page)", RouteKind.DashboardRead, HttpMethod.Get,
                $"api/v1/dashboard/feed?limit=20&cursor={Uri.EscapeDataString(cursor)}", Token);
        }
        var item = page!["items"]!.AsArray().FirstOrDefault(i => practice.Claimed.TryAdd(i!["sessionId"]!.GetValue<Guid>(), 0));
        if (item is null)
        {
            await ThinkTimes.PauseAsync(think.DoctorMinMs, think.DoctorMaxMs, stop);
            return;
        }
        var sessionId = item["sessionId"]!.GetValue<Guid>();
        var patientId = item["patientId"]!.GetValue<Guid>();
        var openedAt = DateTime.UtcNow;
        await Traffic.SendAsync("GET /scans/sessions/{id}", RouteKind.DashboardRead, HttpMethod.Get, $"api/v1/scans/sessions/{sessionId}", Token);
        if (Random.Shared.Next(5) == 0)
            await Traffic.SendAsync("GET /patients/{id}/sessions", RouteKind.DashboardRead, HttpMethod.Get, $"api/v1/patients/{patientId}/sessions?limit=10", Token);
        await ThinkTimes.PauseAsync(think.DoctorMinMs, think.DoctorMaxMs, stop);

        var hold = Random.Shared.Next(10) == 0;
        await Traffic.SendAsync("POST /scans/sessions/{id}/tags", RouteKind.Write, HttpMethod.Post, $"api/v1/scans/sessions/{sessionId}/tags", Token, new
        {
            taxonomyVersion = "2026.1", overallTracking = 1 + Random.Shared.Next(3), alignerFit = 1, oralHygiene = 1 + Random.Shared.Next(2),
            detailTags = Random.Shared.Next(4) == 0 ? new[] { new { code = "plaque", location = "lower_anterior" } } : [],
            action = hold ? "hold_aligner" : "approve_progression", holdDays = hold ? (int?)3 : null, notes = (string?)null, reviewOpenedAt = openedAt,
        });
        if (Random.Shared.Next(8) == 0)
        {
            await Traffic.SendAsync("POST /messages", RouteKind.Write, HttpMethod.Post, "api/v1/messages", Token,
                new { patientId, content = "Your last scan looks good: keep going with the next aligner." }, Guid.NewGuid().ToString());
        }
        await ThinkTimes.PauseAsync(think.DoctorMinMs, think.DoctorMaxMs, stop);
    }
}

/// <summary>Front-desk staff: finds patients by name, opens one, checks compliance, analytics and the message threads.</summary>
internal sealed class Staff(Traffic traffic, string token, PracticeView practice, ThinkTimes think) : Person(traffic, token)
{
    protected override async Task ActAsync(CancellationToken stop)
    {
        var (patientId, lastName) = practice.Patients[Random.Shared.Next(practice.Patients.Count)];
        switch (Random.Shared.Next(6))
        {
            case 0:
                await Traffic.SendAsync("GET /patients?search=", RouteKind.DashboardRead, HttpMethod.Get, $"api/v1/patients?search={Uri.EscapeDataString(lastName[..3])}&limit=20", Token);
                await Traffic.SendAsync("GET /patients/{id}", RouteKind.DashboardRead, HttpMethod.Get, $"api/v1/patients/{patientId}", Token);
                break;
            case 1:
                await Traffic.SendAsync("GET /patients", RouteKind.DashboardRead, HttpMethod.Get, "api/v1/patients?limit=50", Token);
                break;
            case 2:
                await Traffic.SendAsync("GET /dashboard/compliance", RouteKind.DashboardRead, HttpMethod.Get, "api/v1/dashboard/compliance?overdueOnly=true", Token);
                break;
            case 3:
                await Traffic.SendAsync("GET /dashboard/analytics", RouteKind.DashboardRead, HttpMethod.Get, "api/v1/dashboard/analytics", Token);
                break;
            default:
                var threads = await Traffic.SendAsync("GET /messages/threads", RouteKind.DashboardRead, HttpMethod.Get, "api/v1/messages/threads?limit=20", Token);
                if (threads!["items"]!.AsArray().FirstOrDefault() is { } thread)
                    await Traffic.SendAsync("GET /messages/threads/{id}", RouteKind.DashboardRead, HttpMethod.Get, $"api/v1/messages/threads/{thread["id"]}", Token);
                break;
        }
        await ThinkTimes.PauseAsync(think.StaffMinMs, think.StaffMaxMs, stop);
    }
}

/// <summary>
/// A patient with the app: mostly looks at their scans and messages; now and then takes a scan of the five views
/// (declare, five signed uploads, submit) or writes to the practice.
/// </summary>
internal sealed class Patient(Traffic traffic, string token, byte[][] photos, ThinkTimes think) : Person(traffic, token)
{
    private static readonly string[] Views = ["frontal", "buccal_l", "buccal_r", "occlusal_u", "occlusal_l"];
    private int _aligner = 1;

    protected override async Task ActAsync(CancellationToken stop)
    {
        switch (Random.Shared.Next(10))
        {
            case 0:
                await ScanAsync(stop);
                break;
            case < 8:
                await Traffic.SendAsync("GET /me/scans", RouteKind.PatientRead, HttpMethod.Get, "api/v1/me/scans?limit=20", Token);
                break;
            case 8:
                await Traffic.SendAsync("GET /messages/threads (patient)", RouteKind.PatientRead, HttpMethod.Get, "api/v1/messages/threads", Token);
                break;
            default:
                await Traffic.SendAsync("POST /messages", RouteKind.Write, HttpMethod.Post, "api/v1/messages", Token,
                    new { content = "My aligner feels a little loose at the back, is that fine?" }, Guid.NewGuid().ToString());
                break;
        }
        await ThinkTimes.PauseAsync(think.PatientMinMs, think.PatientMaxMs, stop);
    }

    private async Task ScanAsync(CancellationToken stop)
    {
        var session = await Traffic.SendAsync("POST /scans/sessions", RouteKind.Upload, HttpMethod.Post, "api/v1/scans/sessions", Token,
            new { alignerNumber = 1 + (_aligner++ % 30), views = Views }, Guid.NewGuid().ToString());
        var sessionId = session!["id"]!.GetValue<Guid>();
        for (var i = 0; i < Views.Length; i++)
        {
            var grant = await Traffic.SendAsync("POST /scans/upload-url", RouteKind.Upload, HttpMethod.Post, "api/v1/scans/upload-url", Token,
                new { sessionId, imageType = Views[i], contentType = "image/jpeg", contentLength = photos[i].Length });
            var url = new Uri(Traffic.BaseUrl, grant!["url"]!.GetValue<string>());
            Loopback.Require(url);
            using var put = new HttpRequestMessage(new HttpMethod(grant["method"]?.GetValue<string>() ?? "PUT"), url) { Content = new ByteArrayContent(photos[i]) };
            put.Content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            foreach (var (name, value) in grant["headers"]!.AsObject())
            {
                if (!name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) put.Headers.TryAddWithoutValidation(name, value!.GetValue<string>());
            }
            await Traffic.SendAsync("PUT (signed upload link)", RouteKind.Upload, put);
            // Framing the next view.
            await ThinkTimes.PauseAsync(100, 300, stop);
        }
        await Traffic.SendAsync("POST /scans/sessions/{id}/submit", RouteKind.Upload, HttpMethod.Post, $"api/v1/scans/sessions/{sessionId}/submit", Token);
    }
}
