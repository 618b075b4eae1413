using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;

namespace OrthoScan.Api.Infrastructure.Audit;

/// <summary>
/// Each sealed audit link as a log record, over OTLP to the collector beside the task, which writes them to the audit
/// log group (six years' retention; infra/terraform/modules/service): the trail searchable with CloudWatch Logs Insights
/// within seconds of sealing. A logger factory of its own, apart from the application's logs, so nothing else reaches that
/// group and the trail never lands in the ordinary logs. Without an OTLP endpoint it writes nothing: the database and
/// the write-once archive (<see cref="IAuditArchive"/>) hold the trail, and this copy is only for searching it.
/// </summary>
public sealed class AuditTrailLog : IDisposable
{
    public const string Category = "OrthoScan.Audit.Trail";

    private readonly ILoggerFactory? _factory;
    private readonly ILogger? _log;

    public AuditTrailLog(IConfiguration config)
    {
        if (Otlp.Endpoint(config) is not { } endpoint) return;
        // Settings from configuration, not the process's environment only, as the metrics exporter reads them.
        var httpProtobuf = config["OTEL_EXPORTER_OTLP_PROTOCOL"] == "http/protobuf";
        _factory = LoggerFactory.Create(logging => logging.AddOpenTelemetry(o =>
        {
            o.SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(Otlp.ServiceName(config)));
            o.AddOtlpExporter(e =>
            {
                e.Protocol = httpProtobuf ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                e.Endpoint = new Uri(httpProtobuf ? endpoint.TrimEnd('/') + "/v1/logs" : endpoint);
            });
        }));
        _log = _factory.CreateLogger(Category);
    }

    public void Sealed(AuditEntry row, long seq, byte[] hash)
    {
        if (_log is null) return;
        _log.LogInformation(
            "Audit {Action} on {ResourceType} {ResourceId} by {UserId} ({ActorRole}) from {IpAddress} at {OccurredAt:o}: practice {PracticeId} link {Seq} row {AuditId} hash {Hash}",
            row.Action, row.ResourceType, row.ResourceId, row.UserId, row.ActorRole, row.IpAddress, row.OccurredAt, row.PracticeId, seq, row.Id,
            Convert.ToBase64String(hash));
    }

    public void Dispose() => _factory?.Dispose();
}
