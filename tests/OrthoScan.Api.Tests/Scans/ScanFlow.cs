using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Imaging;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Scans;

/// <summary>The patient app's side of a scan, driven through the real endpoints.</summary>
public sealed record PatientApp(Guid PatientId, string AccessToken);

public static class ScanFlow
{
    public static readonly string[] Views = ["frontal", "buccal_l", "buccal_r", "occlusal_u", "occlusal_l"];

    public static byte[] Photo(int seed) => TestImages.Jpeg(TestImages.Teeth(1600, 1200, seed));

    public static async Task<PatientApp> PatientAppAsync(this ApiFactory api, Session owner, string lastName = "Scanner")
    {
        var patient = await api.AddPatientAsync(owner, "Pat", lastName);
        var invitation = await (await api.As(owner).PostAsJsonAsync($"/api/v1/patients/{patient.Id}/invite", new { })).ShouldBeAsync<PatientInvitationDto>(HttpStatusCode.OK);
        var activated = await (await api.CreateClient().PostAsJsonAsync("/api/v1/auth/patient/activate",
            new { code = invitation.Code, deviceId = "scan-test-device-" + Guid.NewGuid().ToString("N") })).ShouldBeAsync<PatientActivationDto>(HttpStatusCode.OK);
        activated.PatientId.ShouldBe(patient.Id);
        return new PatientApp(patient.Id, activated.AccessToken);
    }

    public static Task<HttpResponseMessage> CreateSessionAsync(this ApiFactory api, PatientApp app, string key, int alignerNumber = 3, string[]? views = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/scans/sessions") { Content = JsonContent.Create(new { alignerNumber, views = views ?? Views }) };
        request.Headers.Add("Idempotency-Key", key);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", app.AccessToken);
        return api.CreateClient().SendAsync(request);
    }

    public static Task<HttpResponseMessage> UploadAsync(this ApiFactory api, PatientApp app, string sessionId, string view, byte[] bytes, string contentType = "image/jpeg") =>
        api.UploadAsync(app, Guid.Parse(sessionId), view, bytes, contentType);

    public static async Task<HttpResponseMessage> UploadAsync(this ApiFactory api, PatientApp app, Guid sessionId, string view, byte[] bytes, string contentType = "image/jpeg")
    {
        var grant = await (await api.As(app.AccessToken).PostAsJsonAsync("/api/v1/scans/upload-url",
            new { sessionId, imageType = view, contentType, contentLength = bytes.Length })).ShouldBeAsync<UploadGrantDto>(HttpStatusCode.OK);
        using var put = new HttpRequestMessage(HttpMethod.Put, grant.Url) { Content = new ByteArrayContent(bytes) };
        put.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        foreach (var (name, value) in grant.Headers)
        {
            if (!name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) put.Headers.TryAddWithoutValidation(name, value);
        }
        return await api.CreateClient().SendAsync(put);
    }

    public static async Task<ScanSessionDto> SubmitScanAsync(this ApiFactory api, PatientApp app, Guid sessionId) =>
        await (await api.As(app.AccessToken).PostAsync($"/api/v1/scans/sessions/{sessionId}/submit", null)).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.OK);

    /// <summary>Polls until the worker has moved the session out of processing.</summary>
    public static async Task<ScanSessionDto> WaitUntilProcessedAsync(this ApiFactory api, string accessToken, Guid sessionId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var session = await (await api.As(accessToken).GetAsync($"/api/v1/scans/sessions/{sessionId}")).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.OK);
            if (session.Status is not (ScanSessionStatus.Processing or ScanSessionStatus.Pending)) return session;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Session {sessionId} still {session.Status} after 60 s.");
            await Task.Delay(250);
        }
    }

    /// <summary>Declares, uploads five distinct photos, submits and waits: a processed session (ready, or asking for a retake).</summary>
    public static async Task<ScanSessionDto> SendScanAndWaitAsync(this ApiFactory api, PatientApp app, Func<string, byte[]>? photoFor = null)
    {
        var session = await (await api.CreateSessionAsync(app, Guid.NewGuid().ToString())).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.Created);
        for (var i = 0; i < Views.Length; i++)
        {
            var bytes = photoFor?.Invoke(Views[i]) ?? Photo(100 + i);
            var contentType = bytes.AsSpan().StartsWith("\x89PNG"u8) ? "image/png" : "image/jpeg";
            (await api.UploadAsync(app, session.Id, Views[i], bytes, contentType)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        await api.SubmitScanAsync(app, session.Id);
        return await api.WaitUntilProcessedAsync(app.AccessToken, session.Id);
    }
}
