namespace OrthoScan.Api.Infrastructure;

/// <summary>
/// Whether telemetry leaves the process over OTLP (to the collector beside the ECS task), and under which service name:
/// the standard OTEL_* settings, read from configuration like every other setting.
/// </summary>
public static class Otlp
{
    public static string? Endpoint(IConfiguration config) => config["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 } endpoint ? endpoint : null;

    public static string ServiceName(IConfiguration config) => config["OTEL_SERVICE_NAME"] ?? "orthoscan";
}
