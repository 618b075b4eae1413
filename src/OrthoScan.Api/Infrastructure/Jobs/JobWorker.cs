using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;

namespace OrthoScan.Api.Infrastructure.Jobs;

/// <summary>
/// Runs jobs in the worker role: <see cref="JobsOptions.Concurrency"/> loops, each claiming one job at a time with
/// FOR UPDATE SKIP LOCKED, so any number of loops and processes share the table without running a job twice at once.
/// A running job's lease is renewed while its handler works; if the process dies, the lease runs out and another worker
/// claims the job again. Each attempt reads the payload into the job's command and sends it through the request pipeline
/// (<see cref="JobDefinition"/>) in a DI scope of its own; its failure is read as a request's would be
/// (<see cref="Failures.Classify"/>): a refusal dies at once, anything else is tried again with backoff. When a job's
/// last attempt ends, however it ended, the job is dead-lettered: its <see cref="IJobDeadLetter{TCommand}"/> settles what
/// waits on it, then it is recorded dead and never run again. On shutdown the loops stop claiming and the running jobs
/// are left to finish (or, if the host gives up first, to lose their lease).
/// </summary>
internal sealed class JobWorker(IServiceScopeFactory scopes, JobCatalog catalog, JobStore store, IOptions<JobsOptions> options, ILogger<JobWorker> logger)
    : BackgroundService
{
    private static readonly TimeSpan ListenRetry = TimeSpan.FromSeconds(5);
    private readonly JobsOptions _options = options.Value;
    private readonly string _name = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";
    private TaskCompletionSource _wake = NewWake();
    private string[] _kinds = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // let the host finish starting
        // A worker claims only the kinds it can run: a job queued for a feature whose handler is not deployed yet (or not
        // in this role) waits in the table instead of failing into the dead letter.
        _kinds = [.. catalog.Definitions.Select(d => d.Kind)];
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var listener = ListenAsync(listening, stoppingToken);
        // Loops start once LISTEN is in place (or failed): a job committed before that is found by their first claim.
        await Task.WhenAny(listening.Task, Task.Delay(ListenRetry, stoppingToken));
        logger.LogInformation("Job worker {Worker} started with {Concurrency} loop(s)", _name, _options.Concurrency);
        var loops = Enumerable.Range(1, _options.Concurrency).Select(i => Task.Run(() => LoopAsync($"{_name}/{i}", stoppingToken), CancellationToken.None));
        await Task.WhenAll([.. loops, listener]);
        logger.LogInformation("Job worker {Worker} stopped", _name);
    }

    private async Task LoopAsync(string worker, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            // Taken before the claim, so a notification that arrives while claiming is not missed.
            var wake = Volatile.Read(ref _wake).Task;
            ClaimedJob? job = null;
            try
            {
                // Not cancelled by shutdown: a claim the server made must come back here, or the job waits out its lease.
                job = await store.ClaimAsync(worker, _kinds, _options.Lease, CancellationToken.None);
                if (job is not null) await RunAsync(job);
            }
            catch (Exception e)
            {
                logger.LogError(e, "Job worker {Worker} failed around job {JobId}", worker, job?.Id);
                job = null;
            }

            if (job is null) await Task.WhenAny(wake, Task.Delay(_options.PollInterval, stoppingToken));
        }
    }

    private async Task RunAsync(ClaimedJob job)
    {
        // Every line logged while the job runs (the pipeline's included) names it.
        using var logScope = logger.BeginScope(new Dictionary<string, object> { ["JobId"] = job.Id, ["JobKind"] = job.Kind, ["JobAttempt"] = job.Attempts });
        using var leaseLost = new CancellationTokenSource();
        using var finished = new CancellationTokenSource();
        var heartbeat = RenewLeaseAsync(job, leaseLost, finished.Token);
        try
        {
            if (job.IsDying) await DeadLetterAsync(job, job.DeadReason ?? DeadReason.Abandoned, leaseLost.Token);
            else await AttemptAsync(job, leaseLost.Token);
        }
        finally
        {
            await finished.CancelAsync();
            await heartbeat;
        }
    }

    private async Task AttemptAsync(ClaimedJob job, CancellationToken leaseLost)
    {
        Exception? failure = null;
        var started = Stopwatch.GetTimestamp();
        try
        {
            await using var scope = JobScope(job);
            using var payload = JsonDocument.Parse(job.Payload);
            await DefinitionOf(job).RunAsync(scope.ServiceProvider, payload.RootElement, leaseLost);
        }
        catch (Exception e)
        {
            failure = e;
        }

        var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (leaseLost.IsCancellationRequested)
        {
            logger.LogWarning(failure, "Job {JobId} ({Kind}) lost its lease after {ElapsedMs:0} ms; its outcome is not recorded", job.Id, job.Kind, elapsedMs);
            return;
        }

        // Not cancelled by shutdown: the outcome of a finished job is worth writing.
        if (failure is null)
        {
            logger.LogInformation("Job {JobId} ({Kind}) succeeded in {ElapsedMs:0} ms (attempt {Attempt})", job.Id, job.Kind, elapsedMs, job.Attempts);
            await RecordAsync(job, () => store.SucceedAsync(job, CancellationToken.None));
            return;
        }

        var reason = ReasonOf(failure);
        if (job.Attempts < job.MaxAttempts && reason == DeadReason.Failed)
        {
            if (DependencyFailures.Unavailable(failure) is { } dependency)
                logger.LogWarning(failure, "Job {JobId} ({Kind}) found the {Dependency} unavailable on attempt {Attempt} of {MaxAttempts}; it will be retried", job.Id, job.Kind, dependency, job.Attempts, job.MaxAttempts);
            else
                logger.LogWarning(failure, "Job {JobId} ({Kind}) failed on attempt {Attempt} of {MaxAttempts}; it will be retried", job.Id, job.Kind, job.Attempts, job.MaxAttempts);
            await RecordAsync(job, () => store.FailAsync(job, failure, _options.RetryDelay(job.Attempts, Random.Shared.NextDouble()), CancellationToken.None));
            return;
        }

        logger.LogError(failure, "Job {JobId} ({Kind}) failed on attempt {Attempt} of {MaxAttempts} ({Reason}); it is dead-lettered", job.Id, job.Kind, job.Attempts, job.MaxAttempts, reason);
        if (await RecordAsync(job, () => store.BeginDyingAsync(job, reason, failure, CancellationToken.None)))
            await DeadLetterAsync(job with { DeadReason = reason, LastErrorType = failure.GetType().FullName }, reason, leaseLost);
    }

    /// <summary>
    /// Why a failed attempt ended, read as a request's failure is (<see cref="Failures.Classify"/>): what a request would
    /// answer with a 4xx (an invalid payload, a broken rule, a missing row) is refused at once, since the same job would
    /// be refused again; a dependency that is down or busy (a 503) and a bug (a 500) are tried again.
    /// </summary>
    private static DeadReason ReasonOf(Exception failure) => failure switch
    {
        UnreadableJobPayloadException => DeadReason.UnreadablePayload,
        _ when Failures.Classify(failure) == FailureKind.Refused => DeadReason.Refused,
        _ => DeadReason.Failed,
    };

    /// <summary>
    /// Gives the job's handler its chance to settle the subject, then records the job dead. When the handler fails, the job
    /// is claimed again later for another try (never to run), up to <see cref="JobsOptions.DeadLetterAttempts"/> times.
    /// </summary>
    private async Task DeadLetterAsync(ClaimedJob job, DeadReason reason, CancellationToken leaseLost)
    {
        if (job.Attempts > job.MaxAttempts + _options.DeadLetterAttempts)
        {
            logger.LogError("Job {JobId} ({Kind}) is dead; its dead-letter handler never finished and is not tried again", job.Id, job.Kind);
            await RecordAsync(job, () => store.DeadAsync(job, reason, CancellationToken.None));
            return;
        }

        Exception? failure = null;
        try
        {
            await using var scope = JobScope(job);
            using var payload = JsonDocument.Parse(job.Payload);
            await DefinitionOf(job).OnDeadAsync(scope.ServiceProvider, payload.RootElement, ContextOf(job), new DeadLetter(reason, job.LastErrorType), leaseLost);
        }
        catch (Exception e)
        {
            failure = e;
        }

        if (leaseLost.IsCancellationRequested)
        {
            logger.LogWarning(failure, "Job {JobId} ({Kind}) lost its lease while being dead-lettered; another worker finishes it", job.Id, job.Kind);
            return;
        }
        if (failure is not null && job.Attempts < job.MaxAttempts + _options.DeadLetterAttempts)
        {
            logger.LogWarning(failure, "The dead-letter handler of job {JobId} ({Kind}) failed; it is tried again later", job.Id, job.Kind);
            await RecordAsync(job, () => store.RetryDeadLetterAsync(job, _options.RetryDelay(job.Attempts - job.MaxAttempts + 1, Random.Shared.NextDouble()), CancellationToken.None));
            return;
        }

        if (failure is not null) logger.LogError(failure, "The dead-letter handler of job {JobId} ({Kind}) failed for the last time", job.Id, job.Kind);
        logger.LogError("Job {JobId} ({Kind}) is dead ({Reason}) after {Attempts} attempt(s)", job.Id, job.Kind, reason, Math.Min(job.Attempts, job.MaxAttempts));
        await RecordAsync(job, () => store.DeadAsync(job, reason, CancellationToken.None));
    }

    private static JobContext ContextOf(ClaimedJob job) => new(job.Id, job.Kind, job.Attempts, job.MaxAttempts, job.CreatedAt);

    /// <summary>A fresh DI scope (a fresh DbContext, no tenant yet) that knows it runs this job.</summary>
    private AsyncServiceScope JobScope(ClaimedJob job)
    {
        var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentJob>().Context = ContextOf(job);
        return scope;
    }

    private JobDefinition DefinitionOf(ClaimedJob job) =>
        catalog.Find(job.Kind) ?? throw new InvalidOperationException($"No job of kind '{job.Kind}' is registered.");

    private async Task<bool> RecordAsync(ClaimedJob job, Func<Task<bool>> write)
    {
        if (await TryRecordAsync(write)) return true;
        logger.LogWarning("The outcome of job {JobId} ({Kind}) could not be recorded; it runs again when its lease expires", job.Id, job.Kind);
        return false;
    }

    private async Task<bool> TryRecordAsync(Func<Task<bool>> write)
    {
        try
        {
            return await write();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Writing a job outcome failed");
            return false;
        }
    }

    /// <summary>Renews the lease every third of it until the job finishes. When the claim no longer holds the job, or the
    /// lease may have run out because renewals failed, the handler is cancelled: another worker may be running it.</summary>
    private async Task RenewLeaseAsync(ClaimedJob job, CancellationTokenSource leaseLost, CancellationToken finished)
    {
        var period = _options.Lease / 3;
        var lastRenewed = Stopwatch.GetTimestamp();
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(finished))
            {
                try
                {
                    if (!await store.RenewAsync(job, _options.Lease, finished))
                    {
                        await leaseLost.CancelAsync();
                        return;
                    }
                    lastRenewed = Stopwatch.GetTimestamp();
                }
                catch (Exception e) when (!finished.IsCancellationRequested)
                {
                    logger.LogWarning(e, "Renewing the lease of job {JobId} failed", job.Id);
                    if (Stopwatch.GetElapsedTime(lastRenewed) + period >= _options.Lease)
                    {
                        await leaseLost.CancelAsync();
                        return;
                    }
                }
            }
        }
        catch (Exception) when (finished.IsCancellationRequested)
        {
            // The job finished while a renewal was in flight.
        }
    }

    /// <summary>Wakes idle loops when a job is inserted (the jobs table's trigger notifies on commit). Only a shortcut:
    /// without it, the loops still poll.</summary>
    private async Task ListenAsync(TaskCompletionSource listening, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = store.CreateListenerConnection();
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, _) => Interlocked.Exchange(ref _wake, NewWake()).TrySetResult();
                await using (var listen = new NpgsqlCommand($"LISTEN {JobStore.Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                listening.TrySetResult();
                while (true) await connection.WaitAsync(stoppingToken);
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Listening for new jobs failed; polling every {PollInterval} until it is back", _options.PollInterval);
                listening.TrySetResult();
                await Task.Delay(ListenRetry, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private static TaskCompletionSource NewWake() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
