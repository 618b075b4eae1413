namespace OrthoScan.Api.Infrastructure.Errors;

/// <summary>
/// A failure the caller can act on. Each has a stable problem type; the handler turns it into RFC 9457 ProblemDetails.
/// </summary>
public class ProblemException(int status, string slug, string title, string? detail = null) : Exception(detail ?? title)
{
    public int Status { get; } = status;
    public string Type { get; } = ProblemTypes.For(slug);
    public string Title { get; } = title;
    public string? Detail { get; } = detail;
    public TimeSpan? RetryAfter { get; init; }
    public IDictionary<string, string[]>? Errors { get; init; }
}

public static class ProblemTypes
{
    public const string Base = "https://orthoscan.app/problems/";
    public static string For(string slug) => Base + slug;
}

public sealed class NotFoundException(string resource)
    : ProblemException(StatusCodes.Status404NotFound, "not-found", "Not found", $"The {resource} does not exist.");

public sealed class ConflictException(string slug, string title, string? detail = null)
    : ProblemException(StatusCodes.Status409Conflict, slug, title, detail);

public sealed class RuleViolationException : ProblemException
{
    public RuleViolationException(string slug, string title, string? detail = null)
        : base(StatusCodes.Status422UnprocessableEntity, slug, title, detail) { }

    public static RuleViolationException ForField(string field, string message, string slug = "validation") =>
        new(slug, "The request breaks a rule.", message) { Errors = new Dictionary<string, string[]> { [field] = [message] } };
}

/// <summary>A 400 naming one field, like a validator's answer, for a check only the handler or endpoint can make.</summary>
public sealed class InvalidFieldException : ProblemException
{
    public InvalidFieldException(string field, string message, string? detail = null)
        : base(StatusCodes.Status400BadRequest, "validation", "The request has invalid fields.", detail ?? message) =>
        Errors = new Dictionary<string, string[]> { [field] = [message] };
}

public sealed class UnauthorizedException(string slug, string title, string? detail = null)
    : ProblemException(StatusCodes.Status401Unauthorized, slug, title, detail);

public sealed class ForbiddenException(string? detail = null)
    : ProblemException(StatusCodes.Status403Forbidden, "forbidden", "Forbidden", detail ?? "Your role may not do this.");

public sealed class TooManyRequestsException : ProblemException
{
    public TooManyRequestsException(TimeSpan retryAfter)
        : base(StatusCodes.Status429TooManyRequests, "rate-limited", "Too many requests", "Slow down and try again later.") =>
        RetryAfter = retryAfter;
}
