namespace OrthoScan.Api.Infrastructure.Http;

/// <summary>
/// `OrthoScan.Api health-probe`: the container's HEALTHCHECK (the runtime image has no curl). It asks the process already
/// serving in this container whether it is alive, and starts nothing itself.
/// </summary>
public static class HealthProbe
{
    public static async Task<int> RunAsync(Uri liveness, TextWriter error)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await http.GetAsync(liveness);
            if (response.IsSuccessStatusCode) return 0;
            await error.WriteLineAsync($"{liveness} answered {(int)response.StatusCode}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await error.WriteLineAsync($"{liveness} did not answer: {e.Message}");
        }
        return 1;
    }

    /// <summary>The liveness endpoint on the first port ASPNETCORE_HTTP_PORTS names (8080 in the image).</summary>
    public static Uri LivenessOf(string? httpPorts)
    {
        var port = httpPorts?.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "8080";
        return new Uri($"http://127.0.0.1:{port}/health/live");
    }
}
