namespace OrthoScan.Api.Infrastructure.Pipeline;

/// <summary>Roles allowed to send this message. Every message declares this or <see cref="AnonymousAttribute"/>: the default is to refuse.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresRoleAttribute(params Role[] roles) : Attribute
{
    public IReadOnlyList<Role> Roles { get; } = roles;
}

/// <summary>Open to callers without a token (sign-in and sign-up steps). They protect themselves with rate limits.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class AnonymousAttribute : Attribute;

public sealed record AuditRecord(string? ResourceType, Guid? ResourceId);

/// <summary>Messages that touch patient data say which resource they touched; the audit behavior records it.</summary>
public interface IAudited<in TResponse>
{
    /// <returns>Null when nothing was touched after all (a job delivered again after it succeeded): no row is written.</returns>
    AuditRecord? Audit(TResponse response);
}
