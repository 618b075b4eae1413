using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Npgsql;

namespace OrthoScan.Api.Infrastructure.Jobs;

/// <summary>
/// The queue as the fleet's autoscaling sees it (meter <see cref="MeterName"/>, exported over OTLP when
/// OTEL_EXPORTER_OTLP_ENDPOINT is set): jobs due and waiting, how long the oldest of them has waited, and jobs
/// dead-lettered in the last hour. The gauges report the last sample, because an observable instrument's callback runs
/// synchronously inside the exporter and must not query the database.
/// </summary>
public sealed class JobQueueMetrics
{
    public const string MeterName = "OrthoScan.Jobs";

    private readonly JobStore _store;
    private volatile Sample _last = new(0, 0, 0);

    public sealed record Sample(long QueueDepth, double OldestAgeSeconds, long DeadLastHour);

    internal JobQueueMetrics(JobStore store, IMeterFactory meters)
    {
        _store = store;
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("orthoscan.jobs.queue_depth", () => _last.QueueDepth, "{job}", "Jobs due and not yet claimed");
        meter.CreateObservableGauge("orthoscan.jobs.oldest_age_seconds", () => _last.OldestAgeSeconds, "s", "How long the oldest due job has waited to be claimed");
        meter.CreateObservableGauge("orthoscan.jobs.dead", () => _last.DeadLastHour, "{job}", "Jobs dead-lettered in the last hour");
    }

    public async Task<Sample> SampleAsync(CancellationToken ct)
    {
        await using var connection = _store.CreateConnection();
        await connection.OpenAsync(ct);
        // One pass over the due jobs for both their count and the oldest (the (status, run_after) index); dead jobs of the
        // last hour are few.
        await using var command = new NpgsqlCommand("""
            SELECT due.depth, coalesce(extract(epoch FROM now() - due.oldest)::float8, 0),
                   (SELECT count(*) FROM jobs WHERE status = 'dead' AND completed_at > now() - interval '1 hour')
            FROM (SELECT count(*) AS depth, min(run_after) AS oldest FROM jobs WHERE status = 'queued' AND run_after <= now()) AS due
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return _last = new Sample(reader.GetInt64(0), reader.GetDouble(1), reader.GetInt64(2));
    }
}

/// <summary>Samples the queue for <see cref="JobQueueMetrics"/> on a worker whose metrics are exported, every <see cref="JobsOptions.MetricsEvery"/>.</summary>
internal sealed class JobQueueMetricsService(JobQueueMetrics metrics, IOptions<JobsOptions> options, ILogger<JobQueueMetricsService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.MetricsEvery);
        do
        {
            try
            {
                await metrics.SampleAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                // The gauges keep the last sample; the database's own alarms speak for the outage.
                logger.LogWarning(e, "Could not sample the job queue's metrics");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
