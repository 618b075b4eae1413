using System.Security.Claims;

namespace OrthoScan.Api.Infrastructure.Tenancy;

/// <summary>
/// Who is calling, for this request. Filled from the validated access token by <see cref="RequestContextMiddleware"/>;
/// auth slices that establish an identity (register, login, activation) set it themselves through <see cref="TenantScope"/>.
/// The practice never comes from the URL or the body.
/// </summary>
public sealed class RequestContext
{
    public Guid? PracticeId { get; internal set; }
    public Guid? UserId { get; internal set; }
    public Guid? PatientId { get; internal set; }
    public Role? Role { get; internal set; }
    public string? IpAddress { get; internal set; }
    public Guid? SessionFamily { get; internal set; }
    public string? TokenId { get; internal set; }

    public bool IsAuthenticated => Role is not null;

    public Guid RequirePractice() =>
        PracticeId ?? throw new InvalidOperationException("This operation needs a practice context.");

    internal void LoadFrom(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true) return;
        PracticeId = ParseGuid(principal.FindFirstValue(Claims.PracticeId));
        var subject = ParseGuid(principal.FindFirstValue(Claims.Subject));
        Role = Roles.TryParse(principal.FindFirstValue(Claims.Role));
        SessionFamily = ParseGuid(principal.FindFirstValue(Claims.SessionFamily));
        TokenId = principal.FindFirstValue(Claims.TokenId);
        if (Role == Domain.Role.Patient) PatientId = subject;
        else UserId = subject;
    }

    private static Guid? ParseGuid(string? value) => Guid.TryParse(value, out var id) ? id : null;
}

public static class Claims
{
    public const string Subject = "sub";
    public const string Role = "role";
    public const string PracticeId = "practice_id";
    public const string SessionFamily = "sid";
    public const string TokenId = "jti";
}

public static class Roles
{
    public static string ToClaim(this Role role) => role switch
    {
        Role.PlatformAdmin => "platform_admin",
        _ => role.ToString().ToLowerInvariant(),
    };

    public static Role? TryParse(string? value) =>
        Enum.GetValues<Role>().Cast<Role?>().FirstOrDefault(r => r!.Value.ToClaim() == value);

    public static readonly Role[] Clinical = [Role.Owner, Role.Doctor, Role.Staff];
}

public sealed class RequestContextMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext http, RequestContext context)
    {
        context.IpAddress = http.Connection.RemoteIpAddress?.ToString();
        context.LoadFrom(http.User);
        return next(http);
    }
}
