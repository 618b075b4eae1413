using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using OrthoScan.Api.Infrastructure.Audit;

namespace OrthoScan.Api.Infrastructure.Pipeline;

internal static class MessageNames
{
    private static readonly ConcurrentDictionary<Type, string> Names = new();

    /// <summary>"Patients.CreatePatient" for Features.Patients.CreatePatient.Command: the slice that sent it.</summary>
    public static string ActionOf(Type messageType) => Names.GetOrAdd(messageType, t =>
    {
        var slice = t.DeclaringType ?? t;
        var area = slice.Namespace?.Split('.').LastOrDefault();
        return $"{area}.{slice.Name}";
    });
}

public sealed class LoggingBehavior<TMessage, TResponse>(ILogger<LoggingBehavior<TMessage, TResponse>> logger)
    : IPipelineBehavior<TMessage, TResponse> where TMessage : IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var action = MessageNames.ActionOf(typeof(TMessage));
        try
        {
            var response = await next(message, cancellationToken);
            logger.LogInformation("{Action} succeeded in {ElapsedMs:0.0} ms", action, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return response;
        }
        catch (ProblemException problem)
        {
            logger.LogInformation("{Action} refused with {Status} {ProblemType}", action, problem.Status, problem.Type);
            throw;
        }
    }
}

public sealed class ValidationBehavior<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators)
    : IPipelineBehavior<TMessage, TResponse> where TMessage : IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        foreach (var validator in validators)
        {
            var result = await validator.ValidateAsync(message, cancellationToken);
            if (!result.IsValid) throw new ValidationException(result.Errors);
        }
        return await next(message, cancellationToken);
    }
}

public sealed class AuthorizationBehavior<TMessage, TResponse>(RequestContext context)
    : IPipelineBehavior<TMessage, TResponse> where TMessage : IMessage
{
    private static readonly RequiresRoleAttribute? Required = typeof(TMessage).GetCustomAttribute<RequiresRoleAttribute>();
    private static readonly bool Anonymous = typeof(TMessage).GetCustomAttribute<AnonymousAttribute>() is not null;

    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (!Anonymous)
        {
            if (Required is null) throw new InvalidOperationException($"{typeof(TMessage)} declares neither [RequiresRole] nor [Anonymous].");
            if (!context.IsAuthenticated) throw new UnauthorizedException("unauthenticated", "Sign in first.");
            if (!Required.Roles.Contains(context.Role!.Value)) throw new ForbiddenException();
        }
        return next(message, cancellationToken);
    }
}

/// <summary>Commands run in one database transaction, the audit row included: either all of it lands or none.</summary>
public sealed class TransactionBehavior<TMessage, TResponse>(AppDbContext db)
    : IPipelineBehavior<TMessage, TResponse> where TMessage : IBaseCommand
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is not null) return await next(message, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var response = await next(message, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return response;
    }
}

/// <summary>One audit row for every command and for every query that reads patient data.</summary>
public sealed class AuditBehavior<TMessage, TResponse>(AuditWriter audit)
    : IPipelineBehavior<TMessage, TResponse> where TMessage : IMessage
{
    private static readonly bool IsCommand = typeof(IBaseCommand).IsAssignableFrom(typeof(TMessage));

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var response = await next(message, cancellationToken);
        var record = message is IAudited<TResponse> audited ? audited.Audit(response) : null;
        if (IsCommand || record is not null)
            await audit.WriteAsync(MessageNames.ActionOf(typeof(TMessage)), record ?? new AuditRecord(null, null), cancellationToken);
        return response;
    }
}
