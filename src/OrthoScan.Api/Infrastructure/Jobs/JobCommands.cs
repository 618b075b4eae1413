using System.Reflection;
using System.Text.Json;

namespace OrthoScan.Api.Infrastructure.Jobs;

/// <summary>
/// A background job: a Mediator command, with <see cref="JobKindAttribute"/>, that the worker reads from the job's payload
/// and runs through the same pipeline as a request (logging, validation, authorization, transaction, audit). Only the
/// worker sends one: it is no caller's, so it declares neither roles nor [Anonymous], and a job sent from anywhere else
/// is refused. A job runs at least once (after a crash or a lost lease it runs again), so its handler must be idempotent:
/// it checks the state it is about to change. Its payload carries ids, never patient data (ADR 0005).
/// </summary>
/// <remarks>
/// A job without a practice (a sweep across practices) gets no transaction and writes no audit row of its own: it
/// works practice by practice, each in a DI scope of its own that enters the practice, commits and audits there.
/// </remarks>
public interface IJobCommand;

/// <summary>
/// A job that works inside one practice, the one its payload names: the pipeline enters it as the worker
/// (<see cref="TenantScope.EnterPracticeAsWorkerAsync"/>: no user, no role) before the handler runs, so the handler sees
/// that practice's rows and no other's, its changes commit in one transaction, and its audit row names no actor.
/// </summary>
public interface IPracticeJob : IJobCommand
{
    Guid PracticeId { get; }
}

/// <summary>The kind a job is stored and claimed under ("scans.process-session"); one command type per kind.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class JobKindAttribute(string kind) : Attribute
{
    public string Kind { get; } = kind;

    /// <exception cref="InvalidOperationException">The type does not declare its kind.</exception>
    public static string Of(Type commandType) =>
        commandType.GetCustomAttribute<JobKindAttribute>()?.Kind
        ?? throw new InvalidOperationException($"{commandType} has no [JobKind]: every job command declares the kind it is stored under.");
}

/// <summary>
/// Recurring work: the job is enqueued once per period across all instances (<see cref="JobScheduler"/>), the period
/// read from the <see cref="JobsOptions"/> property named by <paramref name="everySetting"/>. Its payload is a
/// <see cref="ScheduledPayload"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ScheduleAttribute(string name, string everySetting) : Attribute
{
    public string Name { get; } = name;
    public string EverySetting { get; } = everySetting;
}

/// <summary>
/// What a job that leaves something waiting on it (a scan in processing) does when it dies, and when the practice owner
/// retries it; in the job's file, beside its handler. The worker calls <see cref="OnDeadAsync"/> whatever ended the last
/// attempt (an exception, a refusal, a worker killed or out of memory, a lost lease), in a fresh DI scope, inside the
/// job's practice for a <see cref="IPracticeJob"/>, before the job is recorded dead; if it throws, or the worker dies in
/// it, it is called again later (at most <see cref="JobsOptions.DeadLetterAttempts"/> more times). Like a run, it must
/// be idempotent. A payload that cannot be read, or that fails the job's validator, names nothing to settle: none of
/// these methods is called for it.
/// </summary>
public interface IJobDeadLetter<in TCommand> where TCommand : IJobCommand
{
    /// <summary>Settles the job's subject for good: nothing may keep waiting on a job that will not run again.</summary>
    /// <param name="cancellationToken">Cancelled when this worker lost the job's lease.</param>
    Task OnDeadAsync(TCommand job, JobContext context, DeadLetter deadLetter, CancellationToken cancellationToken);

    /// <summary>What the job works on, for the owner's list of dead jobs (ids only).</summary>
    JobSubject? SubjectOf(TCommand job);

    /// <summary>
    /// Called when the owner retries the dead job, in that request's scope and transaction, already in the job's practice
    /// (do not enter another one): undo what <see cref="OnDeadAsync"/> settled so the retried run can do its work.
    /// </summary>
    /// <returns>False when the subject moved on meanwhile and is left as it is (the retried run then finds nothing to do).</returns>
    Task<bool> ReopenAsync(TCommand job, CancellationToken cancellationToken);
}

/// <param name="ErrorType">The .NET type of the last exception, when one ended it.</param>
public sealed record DeadLetter(DeadReason Reason, string? ErrorType);

/// <summary>The row a job works on, e.g. ("scan_session", id).</summary>
public sealed record JobSubject(string Type, Guid Id);

/// <param name="Attempt">1 on the first run.</param>
public sealed record JobContext(Guid JobId, string Kind, int Attempt, int MaxAttempts, DateTime CreatedAt)
{
    public bool IsLastAttempt => Attempt >= MaxAttempts;
}

/// <summary>
/// The job this DI scope runs, set by the worker before anything of the job is resolved; null in a request's scope.
/// The authorization behavior refuses a job command sent where it is null.
/// </summary>
public sealed class CurrentJob
{
    public JobContext? Context { get; internal set; }
}

public static class JobPayload
{
    /// <summary>The API's JSON conventions (camelCase, snake_case enums), for payloads written and read.</summary>
    public static readonly JsonSerializerOptions Json = CreateJson();

    /// <exception cref="UnreadableJobPayloadException">The payload is not a <typeparamref name="T"/> (a missing id included).</exception>
    public static T Read<T>(this JsonElement payload)
    {
        try
        {
            return payload.Deserialize<T>(Json) ?? throw new JsonException("The payload is null.");
        }
        catch (JsonException e)
        {
            throw new UnreadableJobPayloadException($"The job payload is not a {typeof(T).Name}.", e);
        }
    }

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { RespectRequiredConstructorParameters = true, RespectNullableAnnotations = true };
        ServiceSetup.ConfigureJson(options);
        return options;
    }
}

/// <summary>A payload its job cannot read: no retry can succeed, so the worker dead-letters the job at once.</summary>
public sealed class UnreadableJobPayloadException(string message, Exception inner) : Exception(message, inner);
