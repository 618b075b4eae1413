namespace OrthoScan.Api.Infrastructure.Http;

/// <summary>
/// Query values reach SQL as text parameters (search, filters), and PostgreSQL cannot take U+0000 in text: a decoded
/// <c>%00</c> failed in the database as a 500. Refused here for every route, as <see cref="RequestJson"/> refuses it in bodies.
/// </summary>
public sealed class QueryTextGuardMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext http)
    {
        Dictionary<string, string[]>? errors = null;
        foreach (var (name, values) in http.Request.Query)
        {
            if (values.Any(v => v?.Contains('\0') == true)) (errors ??= new())[name] = [RequestJson.NulCharacter];
        }
        if (errors is null) return next(http);
        throw new ProblemException(StatusCodes.Status400BadRequest, "validation", "The request has invalid fields.", "See errors for each field.") { Errors = errors };
    }
}
