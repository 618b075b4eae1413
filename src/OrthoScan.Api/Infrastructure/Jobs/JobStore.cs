using System.Text.Json;
using Npgsql;

namespace OrthoScan.Api.Infrastructure.Jobs;

/// <summary>
/// A job as a worker claimed it. <see cref="Attempts"/> identifies this claim: every write below is fenced by it. Past
/// <see cref="MaxAttempts"/>, the claim is for dead-lettering the job, never for running it again.
/// </summary>
internal sealed record ClaimedJob(
    Guid Id, string Kind, string Payload, int Attempts, int MaxAttempts, DateTime CreatedAt, string Worker, DeadReason? DeadReason, string? LastErrorType)
{
    public bool IsDying => Attempts > MaxAttempts;
}

/// <summary>
/// The worker's side of the jobs table, in plain SQL on the app role's connection (no tenant setting: jobs are not
/// tenant data). Every write after the claim matches the claim (status, worker and attempt), so a worker whose lease
/// was taken over can change nothing.
/// </summary>
internal sealed class JobStore(IConfiguration configuration)
{
    public const string Channel = "orthoscan_jobs";

    private readonly string _connectionString = DatabaseOptions.AppConnectionString(configuration);

    public NpgsqlConnection CreateConnection() => new(_connectionString);

    /// <summary>
    /// A dedicated connection for LISTEN, outside the pool: a listening connection left idle in a pool would hold back
    /// the server's notification queue. Keepalives also run while it waits, so a dead connection is noticed and replaced.
    /// </summary>
    public NpgsqlConnection CreateListenerConnection() =>
        new(new NpgsqlConnectionStringBuilder(_connectionString) { Pooling = false, KeepAlive = 30, ApplicationName = "orthoscan-job-listener" }.ConnectionString);

    /// <summary>
    /// Claims the next due job of one of <paramref name="kinds"/>, or one whose worker let its lease expire; null when there
    /// is none. A job whose lease expired on its last attempt comes back as dying, with <see cref="DeadReason.Abandoned"/>.
    /// </summary>
    public async Task<ClaimedJob?> ClaimAsync(string worker, string[] kinds, TimeSpan lease, CancellationToken ct)
    {
        await using var connection = CreateConnection();
        await connection.OpenAsync(ct);
        // SET expressions read the row as it was before this update.
        await using var command = new NpgsqlCommand("""
            UPDATE jobs SET status = 'running', locked_by = @worker, locked_until = now() + @lease, attempts = attempts + 1,
                dead_reason = CASE WHEN status = 'running' AND attempts >= max_attempts AND dead_reason IS NULL THEN 'abandoned' ELSE dead_reason END,
                last_error = CASE
                    WHEN status <> 'running' OR dead_reason IS NOT NULL THEN last_error
                    WHEN attempts >= max_attempts THEN left('Abandoned: the lease of ' || coalesce(locked_by, '?') || ' on attempt ' || attempts || ' expired (its worker stopped).', 4000)
                    ELSE left('The lease of ' || coalesce(locked_by, '?') || ' expired.', 4000) END,
                last_error_type = CASE WHEN status = 'running' AND dead_reason IS NULL THEN NULL ELSE last_error_type END
            WHERE id = (
                SELECT id FROM jobs
                WHERE ((status = 'queued' AND run_after <= now()) OR (status = 'running' AND locked_until < now())) AND kind = ANY(@kinds)
                ORDER BY run_after
                LIMIT 1
                FOR UPDATE SKIP LOCKED)
            RETURNING id, kind, payload::text, attempts, max_attempts, created_at, dead_reason, last_error_type
            """, connection);
        command.Parameters.AddWithValue("worker", worker);
        command.Parameters.AddWithValue("lease", lease);
        command.Parameters.AddWithValue("kinds", kinds);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new ClaimedJob(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt32(4),
            DateTime.SpecifyKind(reader.GetDateTime(5), DateTimeKind.Utc), worker,
            reader.IsDBNull(6) ? null : DeadReasons.Parse(reader.GetString(6)), reader.IsDBNull(7) ? null : reader.GetString(7));
    }

    /// <summary>Extends the lease; false when this claim no longer holds the job.</summary>
    public async Task<bool> RenewAsync(ClaimedJob job, TimeSpan lease, CancellationToken ct) =>
        await ExecuteAsync(job, "UPDATE jobs SET locked_until = now() + @lease", ct, ("lease", lease)) == 1;

    public async Task<bool> SucceedAsync(ClaimedJob job, CancellationToken ct) =>
        await ExecuteAsync(job, "UPDATE jobs SET status = 'succeeded', locked_until = NULL, completed_at = now()", ct) == 1;

    /// <summary>Queues the job again after <paramref name="delay"/> (an attempt that was not its last failed).</summary>
    public async Task<bool> FailAsync(ClaimedJob job, Exception error, TimeSpan delay, CancellationToken ct) =>
        await ExecuteAsync(job, "UPDATE jobs SET status = 'queued', run_after = now() + @delay, locked_until = NULL, last_error = @error, last_error_type = @type",
            ct, ("delay", delay), ("error", Truncate(error.ToString())), ("type", TypeOf(error))) == 1;

    /// <summary>
    /// The last attempt failed: records why before the dead-letter handler runs, so a worker that dies in it leaves the
    /// reason (and the error) to the worker that claims the job next.
    /// </summary>
    public async Task<bool> BeginDyingAsync(ClaimedJob job, DeadReason reason, Exception error, CancellationToken ct) =>
        await ExecuteAsync(job, "UPDATE jobs SET dead_reason = @reason, last_error = @error, last_error_type = @type", ct,
            ("reason", DeadReasons.Name(reason)), ("error", Truncate(error.ToString())), ("type", TypeOf(error))) == 1;

    /// <summary>The dead-letter handler failed: claimed again after <paramref name="delay"/> to try it once more (never to run the job).</summary>
    public async Task<bool> RetryDeadLetterAsync(ClaimedJob job, TimeSpan delay, CancellationToken ct) =>
        await ExecuteAsync(job, "UPDATE jobs SET status = 'queued', run_after = now() + @delay, locked_until = NULL", ct, ("delay", delay)) == 1;

    public async Task<bool> DeadAsync(ClaimedJob job, DeadReason reason, CancellationToken ct) =>
        await ExecuteAsync(job, "UPDATE jobs SET status = 'dead', dead_reason = @reason, locked_until = NULL, completed_at = now()", ct,
            ("reason", DeadReasons.Name(reason))) == 1;

    private async Task<int> ExecuteAsync(ClaimedJob job, string update, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var connection = CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            update + " WHERE id = @id AND status = 'running' AND locked_by = @worker AND attempts = @attempts", connection);
        command.Parameters.AddWithValue("id", job.Id);
        command.Parameters.AddWithValue("worker", job.Worker);
        command.Parameters.AddWithValue("attempts", job.Attempts);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return await command.ExecuteNonQueryAsync(ct);
    }

    private static string Truncate(string error) => error.Length <= 4000 ? error : error[..3997] + "...";

    private static string TypeOf(Exception error) => error.GetType().FullName ?? error.GetType().Name;
}

internal static class DeadReasons
{
    public static string Name(DeadReason reason) => JsonNamingPolicy.SnakeCaseLower.ConvertName(reason.ToString());

    public static DeadReason Parse(string name) => Enum.GetValues<DeadReason>().Single(r => Name(r) == name);
}
