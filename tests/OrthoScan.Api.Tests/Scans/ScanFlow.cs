using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
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
        var id = (await api.CreatePatientAsync(owner, "Pat", lastName))["id"]!.GetValue<string>();
        var invitation = await (await api.As(owner).PostAsync($"/api/v1/patients/{id}/invite", null)).ShouldBeAsync(HttpStatusCode.OK);
        var activated = await (await api.CreateClient().PostAsJsonAsync("/api/v1/auth/patient/activate",
            new { code = invitation["code"]!.GetValue<string>(), deviceId = "scan-test-device-" + Guid.NewGuid().ToString("N") })).ShouldBeAsync(HttpStatusCode.OK);
        return new PatientApp(Guid.Parse(id), activated["accessToken"]!.GetValue<string>());
    }

    public static Task<HttpResponseMessage> CreateSessionAsync(this ApiFactory api, PatientApp app, string key, int alignerNumber = 3, string[]? views = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/scans/sessions") { Content = JsonContent.Create(new { alignerNumber, views = views ?? Views }) };
        request.Headers.Add("Idempotency-Key", key);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", app.AccessToken);
        return api.CreateClient().SendAsync(request);
    }

    public static async Task<HttpResponseMessage> UploadAsync(this ApiFactory api, PatientApp app, string sessionId, string view, byte[] bytes, string contentType = "image/jpeg")
    {
        var grant = await (await api.As(app.AccessToken).PostAsJsonAsync("/api/v1/scans/upload-url",
            new { sessionId, imageType = view, contentType, contentLength = bytes.Length })).ShouldBeAsync(HttpStatusCode.OK);
        using var put = new HttpRequestMessage(HttpMethod.Put, grant["url"]!.GetValue<string>()) { Content = new ByteArrayContent(bytes) };
        put.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        foreach (var (name, value) in grant["headers"]!.AsObject())
        {
            if (!name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) put.Headers.TryAddWithoutValidation(name, value!.GetValue<string>());
        }
        return await api.CreateClient().SendAsync(put);
    }

    public static async Task<JsonNode> SubmitAsync(this ApiFactory api, PatientApp app, string sessionId) =>
        await (await api.As(app.AccessToken).PostAsync($"/api/v1/scans/sessions/{sessionId}/submit", null)).ShouldBeAsync(HttpStatusCode.OK);

    /// <summary>Polls until the worker has moved the session out of processing.</summary>
    public static async Task<JsonNode> WaitForProcessedAsync(this ApiFactory api, string accessToken, string sessionId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var session = await (await api.As(accessToken).GetAsync($"/api/v1/scans/sessions/{sessionId}")).ShouldBeAsync(HttpStatusCode.OK);
            if (session["status"]!.GetValue<string>() is not ("processing" or "pending")) return session;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Session {sessionId} still {session["status"]} after 60 s.");
            await Task.Delay(250);
        }
    }

    /// <summary>Declares, uploads five distinct photos, submits and waits: a ready session.</summary>
    public static async Task<JsonNode> SendScanAsync(this ApiFactory api, PatientApp app, Func<string, byte[]>? photoFor = null)
    {
        var session = await (await api.CreateSessionAsync(app, Guid.NewGuid().ToString())).ShouldBeAsync(HttpStatusCode.Created);
        var sessionId = session["id"]!.GetValue<string>();
        for (var i = 0; i < Views.Length; i++)
        {
            var bytes = photoFor?.Invoke(Views[i]) ?? Photo(100 + i);
            var contentType = bytes.AsSpan().StartsWith("\x89PNG"u8) ? "image/png" : "image/jpeg";
            (await api.UploadAsync(app, sessionId, Views[i], bytes, contentType)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        await api.SubmitAsync(app, sessionId);
        return await api.WaitForProcessedAsync(app.AccessToken, sessionId);
    }
}
