namespace OrthoScan.Api.Infrastructure.Errors;

/// <summary>How a failure is read, for a request (its status) and a job (whether to try it again) alike.</summary>
public enum FailureKind
{
    /// <summary>The message itself is wrong (invalid, breaks a rule, names a missing row, not allowed): a 4xx; sending it again cannot help.</summary>
    Refused,
    /// <summary>Something we depend on is down, busy or rate-limiting us: a 503 (or 429) with Retry-After; it may work later.</summary>
    Unavailable,
    /// <summary>Anything else: a 500, logged as a bug.</summary>
    Bug,
}

public static class Failures
{
    /// <summary>The same reading as <see cref="ProblemExceptionHandler"/>'s statuses (a test holds the two together).</summary>
    public static FailureKind Classify(Exception exception) => exception switch
    {
        ProblemException { Status: StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable } => FailureKind.Unavailable,
        ProblemException { Status: >= 400 and < 500 } => FailureKind.Refused,
        ValidationException or BadHttpRequestException { StatusCode: < 500 } or System.Text.Json.JsonException => FailureKind.Refused,
        _ when DependencyFailures.Unavailable(exception) is not null => FailureKind.Unavailable,
        _ => FailureKind.Bug,
    };
}
