using System.Diagnostics.CodeAnalysis;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;
using WireMock.Server;

namespace OrthoScan.Api.Tests.Audit;

/// <summary>
/// In AWS every sealed audit link also becomes a log record in the audit log group (six years), through the collector
/// beside the task: here a loopback OTLP collector receives them, and the ordinary logs do not.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class AuditTrailExportTests : IAsyncLifetime
{
    private readonly WireMockServer _collector = LoopbackOtlpCollector.Start();
    private readonly ApiFactory _api = new();

    public AuditTrailExportTests()
    {
        _api.ExportTo(_collector, "orthoscan-worker-audit-test");
    }

    public Task InitializeAsync() => _api.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _collector.Stop();
        _collector.Dispose();
    }

    [Fact]
    public async Task Each_sealed_link_reaches_the_collector_as_an_audit_log_record()
    {
        var owner = await _api.RegisterPracticeAsync("Trail Clinic");
        var patient = await _api.AddPatientAsync(owner, "Trail");
        var sealedEntries = await _api.EntriesWhenSealedAsync(owner, patient.Id);
        sealedEntries.ShouldNotBeEmpty();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        string exported = "";
        while (!exported.Contains(patient.Id.ToString(), StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            // The exporter batches every few seconds.
            await Task.Delay(500);
            exported = string.Concat(_collector.Exports("/v1/logs"));
        }

        exported.ShouldContain(patient.Id.ToString(), customMessage: "the sealed rows of the patient, by resource id");
        exported.ShouldContain(owner.PracticeId.ToString());
        exported.ShouldContain("OrthoScan.Audit.Trail");
        exported.ShouldContain("orthoscan-worker-audit-test");
        _collector.LogEntries.ShouldAllBe(e => e.RequestMessage.Path == "/v1/logs" || e.RequestMessage.Path == "/v1/metrics",
            "only the trail and the queue metrics leave over OTLP");
    }
}
