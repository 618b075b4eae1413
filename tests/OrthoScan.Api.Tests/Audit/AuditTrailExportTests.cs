using System.Diagnostics.CodeAnalysis;
using System.Text;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;
using WireMock.RequestBuilders;
using WireMock.Server;
using WireMockResponse = WireMock.ResponseBuilders.Response;

namespace OrthoScan.Api.Tests.Audit;

/// <summary>
/// In AWS every sealed audit link also becomes a log record in the audit log group (six years), through the collector
/// beside the task: here a loopback OTLP collector receives them, and the ordinary logs do not.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class AuditTrailExportTests : IAsyncLifetime
{
    private readonly WireMockServer _collector = LoopbackFake.Start();
    private readonly ApiFactory _api = new();

    public AuditTrailExportTests()
    {
        _collector.Given(Request.Create().UsingPost()).RespondWith(WireMockResponse.Create().WithStatusCode(200));
        _api.Settings["OTEL_EXPORTER_OTLP_ENDPOINT"] = _collector.Url;
        _api.Settings["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        _api.Settings["OTEL_SERVICE_NAME"] = "orthoscan-worker-audit-test";
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
            exported = string.Concat(_collector.LogEntries.Where(e => e.RequestMessage.Path == "/v1/logs")
                .Select(e => e.RequestMessage.BodyAsBytes is { } body ? Encoding.UTF8.GetString(body) : ""));
        }

        exported.ShouldContain(patient.Id.ToString(), customMessage: "the sealed rows of the patient, by resource id");
        exported.ShouldContain(owner.PracticeId.ToString());
        exported.ShouldContain("OrthoScan.Audit.Trail");
        exported.ShouldContain("orthoscan-worker-audit-test");
        _collector.LogEntries.ShouldAllBe(e => e.RequestMessage.Path == "/v1/logs" || e.RequestMessage.Path == "/v1/metrics",
            "only the trail and the queue metrics leave over OTLP");
    }
}
