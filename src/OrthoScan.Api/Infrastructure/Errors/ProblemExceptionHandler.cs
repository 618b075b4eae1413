using System.Text.Json;
using FluentValidation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace OrthoScan.Api.Infrastructure.Errors;

/// <summary>Maps every exception to ProblemDetails. Unknown exceptions are a 500 without internals: they are bugs.</summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var details = exception switch
        {
            ProblemException p => FromProblem(http, p),
            ValidationException v => Validation(v),
            BadHttpRequestException b => BadRequest(b),
            JsonException j => Problem(400, "malformed-request", "The request body is not valid JSON for this operation.", j.Message),
            _ => null,
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
        new(v.Errors.GroupBy(e => JsonNamingPolicy.CamelCase.ConvertName(e.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray()))
        {
            Status = 400,
            Type = ProblemTypes.For("validation"),
            Title = "The request has invalid fields.",
            Detail = "See errors for each field.",
        };

    private static ProblemDetails BadRequest(BadHttpRequestException b) => b.StatusCode switch
    {
        413 => Problem(413, "payload-too-large", "The request body is too large."),
        _ => Problem(b.StatusCode, "malformed-request", "The request could not be read.", b.InnerException is JsonException j ? j.Message : b.Message),
    };

    public static ProblemDetails Problem(int status, string slug, string title, string? detail = null) =>
        new() { Status = status, Type = ProblemTypes.For(slug), Title = title, Detail = detail };
}
