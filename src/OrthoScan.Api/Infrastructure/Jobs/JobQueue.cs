using System.Text.Json;
using Microsoft.Extensions.Options;

namespace OrthoScan.Api.Infrastructure.Jobs;

public interface IJobQueue
{
    /// <summary>
    /// Adds a job to the current <see cref="AppDbContext"/>: the caller's SaveChanges writes it, in the caller's
    /// transaction, so it exists exactly when the change it follows from was committed. Nothing is written before that.
    /// </summary>
    /// <param name="payload">Serialized as JSON; ids only, never patient data.</param>
    /// <param name="runAfter">Not before this UTC time; by default as soon as it is committed.</param>
    /// <param name="maxAttempts">Runs before it is dead-lettered; by default <see cref="JobsOptions.MaxAttempts"/>.</param>
    /// <returns>The job's id.</returns>
    Task<Guid> EnqueueAsync(string kind, object payload, DateTime? runAfter = null, int? maxAttempts = null, CancellationToken cancellationToken = default);

    /// <summary>Enqueues a job under its command's <see cref="JobKindAttribute"/>, the command as its payload; see the other overload.</summary>
    Task<Guid> EnqueueAsync<TCommand>(TCommand job, DateTime? runAfter = null, CancellationToken cancellationToken = default) where TCommand : IJobCommand;
}

internal sealed class JobQueue(AppDbContext db, IOptions<JobsOptions> options) : IJobQueue
{
    public Task<Guid> EnqueueAsync(string kind, object payload, DateTime? runAfter = null, int? maxAttempts = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts ?? 1, 1);
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentNullException.ThrowIfNull(payload);
        var job = new Job
        {
            Kind = kind,
            Payload = JsonSerializer.Serialize(payload, payload.GetType(), JobPayload.Json),
            MaxAttempts = maxAttempts ?? options.Value.MaxAttempts,
        };
        if (runAfter is { } at) job.RunAfter = at;
        db.Jobs.Add(job);
        return Task.FromResult(job.Id);
    }

    public Task<Guid> EnqueueAsync<TCommand>(TCommand job, DateTime? runAfter = null, CancellationToken cancellationToken = default) where TCommand : IJobCommand =>
        EnqueueAsync(JobKindAttribute.Of(job.GetType()), job, runAfter, cancellationToken: cancellationToken);
}
