using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace OrthoScan.Load.Chaos;

/// <summary>An answer the API gave on purpose (a 4xx other than 429): retrying the same request cannot change it.</summary>
internal sealed class RefusedException(string step, HttpStatusCode status, string body)
    : Exception($"{step}: {(int)status} {body}")
{
    public HttpStatusCode Status { get; } = status;
    public JsonNode? Problem { get; } = TryParse(body);

    private static JsonNode? TryParse(string body)
    {
        try
        {
            return body.Length == 0 ? null : JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// HTTP as a phone on a bad network does it while the server is being killed: a connection error, a timeout, a 5xx
/// (503 while it restarts) or a 429 is retried with the SAME request (so the same Idempotency-Key), with backoff
/// 200 ms doubling to 2 s, until the step's budget runs out. Counts the retries, for the report.
/// </summary>
internal sealed class Resilient(HttpClient http, Uri baseUrl, TimeSpan budget)
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(2);
    private long _retries;

    public long Retries => Interlocked.Read(ref _retries);

    public Uri BaseUrl => baseUrl;

    public Task<JsonNode> JsonAsync(string step, HttpMethod method, string path, string? token, object? body, params (string Name, string Value)[] headers) =>
        SendAsync(step, () =>
        {
            var request = new HttpRequestMessage(method, path);
            if (body is not null) request.Content = JsonContent.Create(body);
            if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            foreach (var (name, value) in headers) request.Headers.Add(name, value);
            return request;
        });

    /// <summary>Sends what <paramref name="build"/> makes (a fresh message per attempt) until a 2xx, a refusal or the budget's end.</summary>
    public async Task<JsonNode> SendAsync(string step, Func<HttpRequestMessage> build)
    {
        var clock = Stopwatch.StartNew();
        var delay = FirstDelay;
        while (true)
        {
            string failure;
            TimeSpan? retryAfter = null;
            try
            {
                using var request = build();
                using var response = await http.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                if (response.IsSuccessStatusCode) return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
                if ((int)response.StatusCode < 500 && response.StatusCode != HttpStatusCode.TooManyRequests)
                    throw new RefusedException(step, response.StatusCode, text);
                failure = $"{(int)response.StatusCode}";
                retryAfter = response.Headers.RetryAfter?.Delta;
            }
            catch (HttpRequestException e)
            {
                failure = e.HttpRequestError.ToString();
            }
            catch (TaskCanceledException)
            {
                failure = "timeout";
            }

            if (clock.Elapsed > budget) throw new TimeoutException($"{step}: still failing after {clock.Elapsed.TotalSeconds:0} s (last: {failure})");
            Interlocked.Increment(ref _retries);
            await Task.Delay(retryAfter is { } wait && wait < MaxDelay ? wait : delay);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
        }
    }
}
