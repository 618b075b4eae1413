using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OrthoScan.Api.Infrastructure.Jobs;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;
using WireMock.Server;

namespace OrthoScan.Api.Tests.Jobs;

/// <summary>
/// The worker service scales on the queue: its depth and the age of its oldest due job leave the process as OTLP
/// metrics, which the collector beside each ECS task turns into the CloudWatch metrics the autoscaling and alarms read.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class JobQueueMetricsTests : IAsyncLifetime
{
    // A kind no handler has: the worker never claims it, so the jobs stay exactly as the test wrote them.
    private const string UnhandledKind = "test.metrics.unhandled";

    private readonly WireMockServer _collector = LoopbackOtlpCollector.Start();
    private readonly ApiFactory _api = new();

    public JobQueueMetricsTests()
    {
        _api.ExportTo(_collector, "orthoscan-worker-test");
        _api.Settings["OTEL_METRIC_EXPORT_INTERVAL"] = "300";
        _api.Settings["OrthoScan:Jobs:MetricsEvery"] = "00:00:01";
    }

    public Task InitializeAsync() => _api.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _collector.Stop();
        _collector.Dispose();
    }

    [Fact]
    public async Task The_gauges_report_the_due_jobs_how_long_the_oldest_waited_and_the_recent_dead_letters()
    {
        await using (var owner = await Sql.OpenAsync(_api.OwnerConnectionString))
        {
            await owner.ExecuteAsync($$"""
                INSERT INTO jobs (id, kind, payload, status, attempts, max_attempts, run_after, created_at)
                SELECT gen_random_uuid(), '{{UnhandledKind}}', '{}', 'queued', 0, 5, now() - make_interval(mins => m), now() - interval '1 hour'
                FROM unnest(ARRAY[10, 4, 1]) AS m;
                INSERT INTO jobs (id, kind, payload, status, attempts, max_attempts, run_after, created_at)
                VALUES (gen_random_uuid(), '{{UnhandledKind}}', '{}', 'queued', 0, 5, now() + interval '1 hour', now());
                INSERT INTO jobs (id, kind, payload, status, attempts, max_attempts, run_after, created_at, completed_at, dead_reason)
                VALUES (gen_random_uuid(), '{{UnhandledKind}}', '{}', 'dead', 1, 5, now(), now(), now() - interval '5 minutes', 'failed'),
                       (gen_random_uuid(), '{{UnhandledKind}}', '{}', 'dead', 1, 5, now(), now(), now() - interval '2 hours', 'failed');
                """);
        }

        await _api.Services.GetRequiredService<JobQueueMetrics>().SampleAsync(default);
        var observed = Observe(_api.Services.GetRequiredService<IMeterFactory>());

        observed["orthoscan.jobs.queue_depth"].ShouldBe(3, "the job due in an hour is not waiting yet");
        observed["orthoscan.jobs.oldest_age_seconds"].ShouldBeInRange(600, 660);
        observed["orthoscan.jobs.dead"].ShouldBe(1, "only the dead letter of the last hour");
    }

    [Fact]
    public async Task The_worker_exports_the_queue_gauges_over_otlp_to_the_collector()
    {
        _ = _api.Services; // starts the host: its worker samples every second and the exporter sends every 300 ms

        var deadline = DateTime.UtcNow.AddSeconds(30);
        string? exported = null;
        while (exported is null && DateTime.UtcNow < deadline)
        {
            exported = _collector.Exports("/v1/metrics").FirstOrDefault(body => body.Contains("orthoscan.jobs.queue_depth", StringComparison.Ordinal));
            if (exported is null) await Task.Delay(200);
        }

        exported.ShouldNotBeNull("an OTLP metrics export naming the queue depth reached the collector");
        exported.ShouldContain("orthoscan.jobs.oldest_age_seconds");
        exported.ShouldContain("orthoscan-worker-test", customMessage: "the service name the CloudWatch dimension comes from");
    }

    /// <summary>The current value of each of the host's job gauges, read as an exporter would.</summary>
    private static Dictionary<string, double> Observe(IMeterFactory hostMeters)
    {
        var values = new Dictionary<string, double>();
        using var listener = new MeterListener();
        // Meters are per host: another test's host in this process has its own.
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == JobQueueMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, hostMeters)) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => values[instrument.Name] = value);
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => values[instrument.Name] = value);
        listener.Start();
        listener.RecordObservableInstruments();
        return values;
    }
}
