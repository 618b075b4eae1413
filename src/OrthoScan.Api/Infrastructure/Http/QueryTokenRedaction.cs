using System.Text.RegularExpressions;
using Serilog.Core;
using Serilog.Events;

namespace OrthoScan.Api.Infrastructure.Http;

/// <summary>
/// The live hub takes its access token in the query string (a browser cannot set a WebSocket's headers), and the patient
/// app's invitation link carries the one-time code (<c>/app/?code=</c>). Whatever logs a URL at whatever level (ASP.NET's
/// own "Request starting" lines, a proxy's), both are replaced before any sink sees them.
/// </summary>
public sealed partial class QueryTokenRedaction : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        // Most events carry no token: nothing is copied for them.
        List<LogEventProperty>? redacted = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            if (value is ScalarValue { Value: string text } && (text.Contains("access_token=", StringComparison.OrdinalIgnoreCase) || text.Contains("code=", StringComparison.OrdinalIgnoreCase)))
                (redacted ??= []).Add(new LogEventProperty(name, new ScalarValue(Redact(text))));
        }
        foreach (var property in redacted ?? []) logEvent.AddOrUpdateProperty(property);
    }

    public static string Redact(string text) => TokenParameter().Replace(text, "${name}=***");

    [GeneratedRegex("(?<=[?&])(?<name>access_token|code)=[^&\\s\"]*", RegexOptions.IgnoreCase)]
    private static partial Regex TokenParameter();
}
