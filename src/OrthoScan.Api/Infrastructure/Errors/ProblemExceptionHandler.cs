using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace OrthoScan.Api.Infrastructure.Errors;

/// <summary>Maps every exception to ProblemDetails. Unknown exceptions are a 500 without internals: they are bugs.</summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var details = exception switch
        {
            ProblemException p => FromProblem(http, p),
            ValidationException v => Validation(v),
            BadHttpRequestException b => BadRequest(b),
            JsonException j => Unreadable(j),
            InvalidOperationException { InnerException: ArgumentException } when HasUnknownCharset(http.Request) => UnknownCharset(),
            _ when DependencyFailures.IsDatabaseTimeout(exception) => Busy(http),
            _ => Unavailable(http, exception),
        };
        if (details is null)
        {
            logger.LogError(exception, "Unhandled exception on {Method} {Path}", http.Request.Method, http.Request.Path);
            details = Problem(500, "internal", "Something went wrong on our side.", "The error has been logged.");
        }

        http.Response.StatusCode = details.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = details, Exception = exception });
    }

    private static ProblemDetails FromProblem(HttpContext http, ProblemException p)
    {
        if (p.RetryAfter is { } retry) http.Response.Headers.RetryAfter = Math.Ceiling(retry.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return p.Errors is null
            ? new ProblemDetails { Status = p.Status, Type = p.Type, Title = p.Title, Detail = p.Detail }
            : new ValidationProblemDetails(p.Errors) { Status = p.Status, Type = p.Type, Title = p.Title, Detail = p.Detail };
    }

    private static ValidationProblemDetails Validation(ValidationException v) =>
        Validation(v.Errors.GroupBy(e => JsonNamingPolicy.CamelCase.ConvertName(e.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray()));

    private static ValidationProblemDetails Validation(IDictionary<string, string[]> errors) =>
        new(errors)
        {
            Status = 400,
            Type = ProblemTypes.For("validation"),
            Title = "The request has invalid fields.",
            Detail = "See errors for each field.",
        };

    /// <summary>A dependency is down or too busy: 503 with Retry-After, so clients back off and try again.</summary>
    private ProblemDetails? Unavailable(HttpContext http, Exception exception)
    {
        if (DependencyFailures.Classify(exception) is not { } dependency) return null;
        logger.LogWarning(exception, "{Dependency} unavailable on {Method} {Path}", dependency, http.Request.Method, http.Request.Path);
        http.Response.Headers.RetryAfter = ((int)DependencyFailures.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problem(503, "service-unavailable", "The service is temporarily unavailable.", "A system we depend on is not answering. Please try again in a few seconds.");
    }

    private static ProblemDetails BadRequest(BadHttpRequestException b) => b switch
    {
        { StatusCode: 413 } => Problem(413, "payload-too-large", "The request body is too large."),
        { InnerException: JsonException j } => Unreadable(j),
        _ => Problem(b.StatusCode, "malformed-request", "The request could not be read.", b.Message),
    };

    /// <summary>
    /// A body that is not JSON, or has a value of the wrong type. The serializer's own message names our .NET types,
    /// so the caller gets the field (from the JSON path) and the position instead.
    /// </summary>
    private static ProblemDetails Unreadable(JsonException j)
    {
        if (FieldErrors(j) is { } errors) return Validation(errors);
        const string title = "The request body is not valid JSON for this operation.";
        var at = j.LineNumber is { } line ? $" (line {line + 1}, byte {j.BytePositionInLine + 1})" : "";
        var field = j.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : null;
        if (field is null) return Problem(400, "malformed-request", title, $"The body could not be read as JSON{at}.");
        return new ValidationProblemDetails(new Dictionary<string, string[]> { [field] = ["The value is not valid JSON of the expected type."] })
        {
            Status = 400,
            Type = ProblemTypes.For("malformed-request"),
            Title = title,
            Detail = $"The value of {field} could not be read{at}.",
        };
    }

    /// <summary>
    /// Well-formed JSON that breaks the body rules of <see cref="RequestJson"/>, keyed from the body's root: the exception
    /// carries the path of the object whose fields it names. A left-out required value is reported by the serializer
    /// itself, naming the properties only in its message (in quotes, after the type's name).
    /// </summary>
    private static Dictionary<string, string[]>? FieldErrors(JsonException j)
    {
        var at = j.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] + "." : "";
        if (j is RequestFieldsException fields) return fields.Errors.ToDictionary(e => at + e.Key, e => e.Value);
        if (j.InnerException is not null || MissingRequired().Match(j.Message) is not { Success: true } missing) return null;
        var names = QuotedName().Matches(missing.Groups["names"].Value).Select(m => m.Groups[1].Value).ToList();
        return names.Count == 0 ? null : names.ToDictionary(name => at + name, _ => new[] { RequestJson.Required });
    }

    [GeneratedRegex("^JSON deserialization for type '[^']*' was missing required properties including: (?<names>.*)$", RegexOptions.Singleline)]
    private static partial Regex MissingRequired();

    [GeneratedRegex("'([A-Za-z0-9_]+)'")]
    private static partial Regex QuotedName();

    /// <summary>
    /// The JSON binder cannot pick a decoder for a charset no encoding has (<c>application/json; charset=bogus</c>) and
    /// throws before any handler runs; that was a 500. It is the body's media type that is not supported: a 415.
    /// </summary>
    private static bool HasUnknownCharset(HttpRequest request)
    {
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) || mediaType.Charset is not { Length: > 0 } charset)
            return false;
        try
        {
            _ = System.Text.Encoding.GetEncoding(charset.ToString());
            return false;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    private static ProblemDetails UnknownCharset() =>
        Problem(415, "unsupported-media-type", "The request body's charset is not supported.", "Send the body as JSON in UTF-8 (application/json; charset=utf-8).");

    private static ProblemDetails Busy(HttpContext http)
    {
        http.Response.Headers.RetryAfter = "2";
        return Problem(503, "database-busy", "The database is busy.", "A statement waited too long for a lock or ran out of time. Nothing was changed; try again.");
    }

    public static ProblemDetails Problem(int status, string slug, string title, string? detail = null) =>
        new() { Status = status, Type = ProblemTypes.For(slug), Title = title, Detail = detail };
}
