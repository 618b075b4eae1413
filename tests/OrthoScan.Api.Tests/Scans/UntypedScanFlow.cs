using System.Net;
using System.Text.Json.Nodes;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Scans;

/// <summary>
/// The scan flow answering string-keyed JSON, kept for Tagging/ and Jobs/ until their conversion to the contract
/// records (see <see cref="UntypedJson"/>). New tests use <see cref="ScanFlow"/>.
/// </summary>
public static class UntypedScanFlow
{
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
        for (var i = 0; i < ScanFlow.Views.Length; i++)
        {
            var bytes = photoFor?.Invoke(ScanFlow.Views[i]) ?? ScanFlow.Photo(100 + i);
            var contentType = bytes.AsSpan().StartsWith("\x89PNG"u8) ? "image/png" : "image/jpeg";
            (await api.UploadAsync(app, sessionId, ScanFlow.Views[i], bytes, contentType)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        await api.SubmitAsync(app, sessionId);
        return await api.WaitForProcessedAsync(app.AccessToken, sessionId);
    }
}
