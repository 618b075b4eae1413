using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using OrthoScan.Api.Infrastructure.Audit;
using OrthoScan.Api.Infrastructure.Jobs;

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

/// <summary>What the behaviors need to know of a background job's command (<see cref="IJobCommand"/>).</summary>
internal static class JobMessages
{
    public static bool IsJob(Type messageType) => typeof(IJobCommand).IsAssignableFrom(messageType);

    /// <summary>A job of no single practice (a sweep): it enters, commits and audits practice by practice itself.</summary>
    public static bool IsCrossPractice(Type messageType) => IsJob(messageType) && !typeof(IPracticeJob).IsAssignableFrom(messageType);
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

/// <summary>
/// Who may send the message. A request: the roles it declares, or anyone for [Anonymous]. A background job: the worker
/// alone, as no user (<see cref="IJobCommand"/>); a job of one practice runs inside that practice from here on.
/// </summary>
public sealed class AuthorizationBehavior<TMessage, TResponse>(RequestContext context, CurrentJob job, TenantScope tenant)
    : IPipelineBehavior<TMessage, TResponse> where TMessage : IMessage
{
    private static readonly RequiresRoleAttribute? Required = typeof(TMessage).GetCustomAttribute<RequiresRoleAttribute>();
    private static readonly bool Anonymous = typeof(TMessage).GetCustomAttribute<AnonymousAttribute>() is not null;
    private static readonly bool IsJob = JobMessages.IsJob(typeof(TMessage));

    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (IsJob) return RunAsWorkerAsync(message, next, cancellationToken);
        if (!Anonymous)
        {
            if (Required is null) throw new InvalidOperationException($"{typeof(TMessage)} declares neither [RequiresRole] nor [Anonymous].");
            if (!context.IsAuthenticated) throw new UnauthorizedException("unauthenticated", "Sign in first.");
            if (!Required.Roles.Contains(context.Role!.Value)) throw new ForbiddenException();
        }
        return next(message, cancellationToken);
    }

    /// <summary>
    /// No endpoint sends a job; one sent outside the worker's scope is a bug, refused like a message that declares no
    /// roles. The practice comes from the payload, which only server code writes, from ids it read under RLS (ADR 0005).
    /// </summary>
    private async ValueTask<TResponse> RunAsWorkerAsync(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken ct)
    {
        if (job.Context is null) throw new InvalidOperationException($"{typeof(TMessage)} is a background job: only the job worker may send it.");
        if (message is IPracticeJob practiceJob) await tenant.EnterPracticeAsWorkerAsync(practiceJob.PracticeId, ct);
        return await next(message, ct);
    }
}

/// <summary>
/// Commands (jobs included) run in one database transaction, the audit row included: either all of it lands or none.
/// Then what the handler left for after the commit (<see cref="AfterCommit"/>) runs. A job of no single practice gets
/// none: it commits practice by practice in scopes of its own, and one open for its whole run would only hold a connection.
/// </summary>
public sealed class TransactionBehavior<TMessage, TResponse>(AppDbContext db, AfterCommit afterCommit)
    : IPipelineBehavior<TMessage, TResponse> where TMessage : IBaseCommand
{
    private static readonly bool CrossPracticeJob = JobMessages.IsCrossPractice(typeof(TMessage));

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (CrossPracticeJob || db.Database.CurrentTransaction is not null) return await next(message, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var response = await next(message, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await afterCommit.RunAsync(cancellationToken);
        return response;
    }
}

/// <summary>
/// Work a handler must only do once its changes are committed, such as deleting an upload the committed rows no longer
/// need (done before, a rollback would leave rows pointing at nothing). Run by <see cref="TransactionBehavior{TMessage,TResponse}"/>
/// after its commit, in the order added; nothing runs after a rollback. If one fails the command fails although its
/// changes stand, so each must be safe to leave undone (a sweep catches it) and to do twice.
/// </summary>
public sealed class AfterCommit
{
    private readonly List<Func<CancellationToken, Task>> _actions = [];

    public void Add(Func<CancellationToken, Task> action) => _actions.Add(action);

    internal async Task RunAsync(CancellationToken ct)
    {
        var actions = _actions.ToList();
        _actions.Clear();
        foreach (var action in actions) await action(ct);
    }
}

/// <summary>
/// One audit row for every command (jobs included: a job's row names no actor) and for every query that reads patient
/// data; none when an <see cref="IAudited{TResponse}"/> message says it touched nothing. A platform user (finance,
/// platform admin) leaves a row for every message, queries included: every platform action is audited. A job of no
/// single practice writes none itself: its rows are written practice by practice, inside each practice.
/// </summary>
public sealed class AuditBehavior<TMessage, TResponse>(AuditWriter audit, RequestContext context)
    : IPipelineBehavior<TMessage, TResponse> where TMessage : IMessage
{
    private static readonly bool IsCommand = typeof(IBaseCommand).IsAssignableFrom(typeof(TMessage));
    private static readonly bool CrossPracticeJob = JobMessages.IsCrossPractice(typeof(TMessage));

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var response = await next(message, cancellationToken);
        if (CrossPracticeJob) return response;
        var everyAction = IsCommand || PlatformAuditWriter.IsPlatformCaller(context);
        var record = message is IAudited<TResponse> audited ? audited.Audit(response) : everyAction ? new AuditRecord(null, null) : null;
        if (record is not null) await audit.WriteAsync(MessageNames.ActionOf(typeof(TMessage)), record, cancellationToken);
        return response;
    }
}
