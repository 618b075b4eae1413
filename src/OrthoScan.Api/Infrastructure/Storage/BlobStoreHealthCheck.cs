using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrthoScan.Api.Infrastructure.Storage;

/// <summary>The blob store answers a lookup (S3: a HEAD request; locally: the store's folder). Whether the probe exists does not matter.</summary>
public sealed class BlobStoreHealthCheck(IBlobStore store) : IHealthCheck
{
    public const string ProbeKey = "health/ready-probe";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.ExistsAsync(ProbeKey, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The blob store did not answer.", e);
        }
    }
}
