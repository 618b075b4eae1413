using System.Text.Json;

namespace OrthoScan.Api.Infrastructure.Jobs;

/// <summary>
/// Runs the jobs of one kind. A job runs at least once: after a crash or a lost lease it runs again, so a handler must
/// be idempotent (check the state it is about to change). It gets a fresh DI scope per run and no tenant: a handler
/// that touches tenant data reads the practice from its payload and calls
/// <see cref="TenantScope.EnterPracticeAsWorkerAsync"/> before its first query.
/// </summary>
public interface IJobHandler
{
    string Kind { get; }

    /// <param name="cancellationToken">Cancelled when this worker lost the job's lease (another worker may run it now):
    /// stop and write nothing more. Not cancelled by shutdown; the worker lets the job finish.</param>
    Task HandleAsync(JsonElement payload, JobContext context, CancellationToken cancellationToken);
}

/// <summary>
/// A handler whose job leaves something waiting on it (a scan in processing) says what to do when the job dies and when
/// the practice owner retries it. The worker calls <see cref="OnDeadAsync"/> whatever ended the last attempt (an
/// exception, a worker killed or out of memory, a lost lease, an unreadable payload), in a fresh DI scope and no tenant,
/// before the job is recorded dead; if it throws, or the worker dies in it, it is called again later (at most
/// <see cref="JobsOptions.DeadLetterAttempts"/> more times). Like a run, it must be idempotent.
/// </summary>
public interface IJobDeadLetterHandler : IJobHandler
{
    /// <summary>Settles the job's subject for good: nothing may keep waiting on a job that will not run again.</summary>
    /// <param name="cancellationToken">Cancelled when this worker lost the job's lease.</param>
    Task OnDeadAsync(JsonElement payload, JobContext context, DeadLetter deadLetter, CancellationToken cancellationToken);

    /// <summary>What the job works on, for the owner's list of dead jobs (ids only); null when the payload does not say.</summary>
    JobSubject? SubjectOf(JsonElement payload);

    /// <summary>
    /// Called when the owner retries the dead job, in that request's scope and transaction, already in the job's practice
    /// (do not enter another one): undo what <see cref="OnDeadAsync"/> settled so the retried run can do its work.
    /// </summary>
    /// <returns>False when the subject moved on meanwhile and is left as it is (the retried run then finds nothing to do).</returns>
    Task<bool> ReopenAsync(JsonElement payload, CancellationToken cancellationToken);
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

/// <summary>A payload its handler cannot read: no retry can succeed, so the worker dead-letters the job at once.</summary>
public sealed class UnreadableJobPayloadException(string message, Exception inner) : Exception(message, inner);
