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

/// <param name="Attempt">1 on the first run.</param>
public sealed record JobContext(Guid JobId, string Kind, int Attempt, int MaxAttempts, DateTime CreatedAt)
{
    public bool IsLastAttempt => Attempt >= MaxAttempts;
}

public static class JobPayload
{
    /// <summary>The API's JSON conventions (camelCase, snake_case enums), for payloads written and read.</summary>
    public static readonly JsonSerializerOptions Json = CreateJson();

    public static T Read<T>(this JsonElement payload) =>
        payload.Deserialize<T>(Json) ?? throw new JsonException($"The job payload is not a {typeof(T).Name}.");

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ServiceSetup.ConfigureJson(options);
        return options;
    }
}
