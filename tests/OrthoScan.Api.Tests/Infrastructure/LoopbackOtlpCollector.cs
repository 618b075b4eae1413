using System.Text;
using WireMock.RequestBuilders;
using WireMock.Server;
using WireMockResponse = WireMock.ResponseBuilders.Response;

namespace OrthoScan.Api.Tests.Infrastructure;

/// <summary>An OTLP/HTTP collector on loopback (WireMock taking every export), and a host pointed at it.</summary>
public static class LoopbackOtlpCollector
{
    public static WireMockServer Start()
    {
        var collector = LoopbackFake.Start();
        collector.Given(Request.Create().UsingPost()).RespondWith(WireMockResponse.Create().WithStatusCode(200));
        return collector;
    }

    /// <summary>The host exports over OTLP/HTTP (protobuf) to the collector under <paramref name="serviceName"/>.</summary>
    public static void ExportTo(this ApiFactory api, WireMockServer collector, string serviceName)
    {
        api.Settings["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Url;
        api.Settings["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        api.Settings["OTEL_SERVICE_NAME"] = serviceName;
    }

    /// <summary>Each export to <paramref name="path"/> so far (/v1/metrics, /v1/logs) as text: names and strings are plain in protobuf.</summary>
    public static List<string> Exports(this WireMockServer collector, string path) =>
        [.. collector.LogEntries.Where(e => e.RequestMessage.Path == path)
            .Select(e => e.RequestMessage.BodyAsBytes is { } body ? Encoding.UTF8.GetString(body) : "")];
}
