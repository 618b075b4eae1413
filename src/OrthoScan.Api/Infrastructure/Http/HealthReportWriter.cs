using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrthoScan.Api.Infrastructure.Http;

/// <summary>
/// /health/ready names each dependency and its state, so an operator (or a load balancer's log) sees which one is down:
/// <c>{"status":"unhealthy","checks":{"postgresql":"healthy","redis":"unhealthy","storage":"healthy"}}</c>.
/// No error text: the endpoint is anonymous.
/// </summary>
public static class HealthReportWriter
{
    public static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        var body = new
        {
            status = Word(report.Status),
            checks = report.Entries.ToDictionary(e => e.Key, e => Word(e.Value.Status)),
        };
        return JsonSerializer.SerializeAsync(http.Response.Body, body, cancellationToken: http.RequestAborted);
    }

    private static string Word(HealthStatus status) => status.ToString().ToLowerInvariant();
}
