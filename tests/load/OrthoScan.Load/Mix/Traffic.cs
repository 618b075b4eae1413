using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace OrthoScan.Load.Mix;

/// <summary>One request of a simulated user, recorded under its route template; any answer but a 2xx is an error (the load sends only valid requests).</summary>
internal sealed class Traffic(HttpClient http, Recorder recorder)
{
    public Uri BaseUrl => http.BaseAddress!;

    public async Task<JsonNode?> SendAsync(string route, RouteKind kind, HttpMethod method, string url, string token, object? body = null,
        string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null) request.Content = JsonContent.Create(body);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await SendAsync(route, kind, request);
    }

    public async Task<JsonNode?> SendAsync(string route, RouteKind kind, HttpRequestMessage request)
    {
        var start = recorder.Now;
        int status = 0;
        string? error = null;
        string text = "";
        try
        {
            using var response = await http.SendAsync(request);
            text = await response.Content.ReadAsStringAsync();
            status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode) error = text.Length > 300 ? text[..300] : text;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            error = e.GetType().Name + ": " + e.Message;
        }
        recorder.Add(route, kind, start, recorder.Now, status, error);
        if (error is not null) throw new MixStepFailed($"{route}: {status} {error}");
        return text.Length == 0 ? null : JsonNode.Parse(text);
    }
}

/// <summary>A step failed (already recorded as an error): the simulated user starts its next action from scratch.</summary>
internal sealed class MixStepFailed(string message) : Exception(message);
