using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrthoScan.Api.Infrastructure.Jobs;
using OrthoScan.Api.Infrastructure.Persistence;
using OrthoScan.Api.Infrastructure.Tenancy;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Jobs;

/// <summary>
/// A database of its own for the job tests, so that no other test's worker claims their jobs. Its own host runs in the
/// api role (it enqueues and serves the API, runs nothing); each test starts the worker hosts it needs, with the
/// test handlers below, and stops them before it ends.
/// </summary>
public sealed class JobsFixture : IAsyncLifetime
{
    public ApiFactory Api { get; } = new();

    public JobsFixture() => Api.Settings["role"] = "api";

    public Task InitializeAsync() => Api.InitializeAsync();

    public Task DisposeAsync() => Api.DisposeAsync();

    /// <summary>Another host on the same database, in the given role, with the test handlers writing to <paramref name="recorder"/>.</summary>
    public WebApplicationFactory<Program> Host(string role, JobRecorder recorder, params (string Key, string Value)[] jobSettings) =>
        Api.WithWebHostBuilder(b =>
        {
            b.UseSetting("role", role);
            b.UseSetting("OrthoScan:Jobs:PollInterval", "00:00:00.100");
            b.UseSetting("OrthoScan:Jobs:BackoffBase", "00:00:00.200");
            // Tests tick schedules themselves (JobScheduler.TickAsync), at the times they choose.
            b.UseSetting("OrthoScan:Jobs:RunScheduler", "false");
            foreach (var (key, value) in jobSettings) b.UseSetting("OrthoScan:Jobs:" + key, value);
            b.ConfigureTestServices(services =>
            {
                services.AddSingleton(recorder);
                services.AddJobHandler<RecordHandler>();
                services.AddJobHandler<FailHandler>();
                services.AddJobHandler<BlockHandler>();
                services.AddJobHandler<SlowHandler>();
                services.AddJobHandler<TenantHandler>();
                services.AddJobHandler<SettleHandler>();
            });
        });

    /// <summary>Enqueues through a host's IJobQueue and AppDbContext (by default the fixture's), in a transaction that
    /// commits or rolls back. The job's max_attempts comes from that host's options.</summary>
    public async Task<List<Guid>> EnqueueAsync(string kind, IEnumerable<object> payloads, bool commit = true, IServiceProvider? host = null)
    {
        using var scope = (host ?? Api.Services).CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var queue = scope.ServiceProvider.GetRequiredService<IJobQueue>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var ids = new List<Guid>();
        foreach (var payload in payloads) ids.Add(await queue.EnqueueAsync(kind, payload));
        await db.SaveChangesAsync();
        if (commit) await transaction.CommitAsync();
        else await transaction.RollbackAsync();
        return ids;
    }

    public async Task<Guid> EnqueueAsync(string kind, object? payload = null) => (await EnqueueAsync(kind, [payload ?? new { }]))[0];

    /// <summary>Starts every test from an empty queue and no scheduled period run yet (as the owner: the app role may not delete them).</summary>
    public async Task ClearJobsAsync()
    {
        await using var owner = await Sql.OpenAsync(Api.OwnerConnectionString);
        await owner.ExecuteAsync("DELETE FROM jobs; DELETE FROM scheduled_runs");
    }

    /// <summary>What a worker killed (out of memory, say) during the job's last attempt leaves behind: running, on its last attempt, lease expired.</summary>
    public async Task SimulateWorkerDiedOnLastAttemptAsync(Guid id)
    {
        await using var owner = await Sql.OpenAsync(Api.OwnerConnectionString);
        (await owner.ExecuteAsync(
            "UPDATE jobs SET status = 'running', attempts = max_attempts, locked_by = 'killed-worker', locked_until = now() - interval '1 second' WHERE id = @id",
            ("id", id))).ShouldBe(1);
    }

    public async Task<JobRow?> FindAsync(Guid id)
    {
        using var scope = Api.Services.CreateScope();
        var job = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id);
        return job is null ? null : new JobRow(job);
    }

    public async Task<JobRow> RowAsync(Guid id) => await FindAsync(id) ?? throw new InvalidOperationException($"No job {id}");

    public Task<JobRow> WaitForStatusAsync(Guid id, JobStatus status, int timeoutSeconds = 30) =>
        Eventually.ValueAsync(() => RowAsync(id), r => r.Status == status, $"job {id} to be {status}", timeoutSeconds);
}

public sealed record JobRow(Job Job)
{
    public JobStatus Status => Job.Status;

    public override string ToString() => $"{Job.Status}, attempt {Job.Attempts}/{Job.MaxAttempts}, locked by {Job.LockedBy}, last error {Job.LastError}";
}

[CollectionDefinition(Name)]
public sealed class JobsCollection : ICollectionFixture<JobsFixture>
{
    public const string Name = "jobs";
}

public static class Eventually
{
    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, int timeoutSeconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) throw new ShouldAssertException($"Timed out after {timeoutSeconds} s waiting for {what}; last: {value}");
            await Task.Delay(50);
        }
    }

    public static Task TrueAsync(Func<bool> condition, string what, int timeoutSeconds = 30) =>
        ValueAsync(() => Task.FromResult(condition()), done => done, what, timeoutSeconds);
}

/// <summary>What the test handlers did, shared by every host of one test.</summary>
public sealed class JobRecorder
{
    private readonly ConcurrentDictionary<Guid, byte> _running = new();
    private int _overlaps;

    public ConcurrentDictionary<Guid, int> Runs { get; } = new();
    public ConcurrentDictionary<Guid, ConcurrentQueue<(int Attempt, DateTime RunAfter)>> Attempts { get; } = new();
    public ConcurrentDictionary<Guid, byte> Started { get; } = new();
    public ConcurrentDictionary<Guid, byte> Cancelled { get; } = new();
    public ConcurrentDictionary<Guid, (long Filtered, long Unfiltered, long BeforeEntering)> PatientCounts { get; } = new();
    public ConcurrentDictionary<Guid, ConcurrentQueue<(int Attempt, DeadLetter DeadLetter)>> DeadLetters { get; } = new();
    public int Overlaps => Volatile.Read(ref _overlaps);

    /// <summary>Counts a run, and any moment two runs of one job overlapped.</summary>
    public async Task RunAsync(Guid id, Func<Task> body)
    {
        if (!_running.TryAdd(id, 0)) Interlocked.Increment(ref _overlaps);
        try
        {
            Runs.AddOrUpdate(id, 1, (_, n) => n + 1);
            await body();
        }
        finally
        {
            _running.TryRemove(id, out _);
        }
    }
}

public sealed class RecordHandler(JobRecorder recorder) : IJobHandler
{
    public const string Name = "test.record";
    public string Kind => Name;

    public Task HandleAsync(JsonElement payload, JobContext context, CancellationToken cancellationToken) =>
        recorder.RunAsync(context.JobId, () => Task.Delay(Random.Shared.Next(0, 5), cancellationToken));
}

/// <summary>Always fails, noting the run_after each attempt was scheduled for.</summary>
public sealed class FailHandler(JobRecorder recorder, AppDbContext db) : IJobHandler
{
    public const string Name = "test.fail";
    public string Kind => Name;

    public async Task HandleAsync(JsonElement payload, JobContext context, CancellationToken cancellationToken)
    {
        var runAfter = await db.Jobs.Where(j => j.Id == context.JobId).Select(j => j.RunAfter).SingleAsync(cancellationToken);
        recorder.Attempts.GetOrAdd(context.JobId, _ => new()).Enqueue((context.Attempt, runAfter));
        throw new InvalidOperationException($"boom on attempt {context.Attempt}");
    }
}

/// <summary>Runs until its token is cancelled (the worker lost the lease), or a minute passes.</summary>
public sealed class BlockHandler(JobRecorder recorder) : IJobHandler
{
    public const string Name = "test.block";
    public string Kind => Name;

    public Task HandleAsync(JsonElement payload, JobContext context, CancellationToken cancellationToken) =>
        recorder.RunAsync(context.JobId, async () =>
        {
            recorder.Started.TryAdd(context.JobId, 0);
            try
            {
                await Task.Delay(TimeSpan.FromMinutes(1), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                recorder.Cancelled.TryAdd(context.JobId, 0);
                throw;
            }
        });
}

/// <summary>Takes as long as its payload says, whatever happens around it.</summary>
public sealed class SlowHandler(JobRecorder recorder) : IJobHandler
{
    public const string Name = "test.slow";
    public string Kind => Name;

    public sealed record Payload(int DelayMs);

    public Task HandleAsync(JsonElement payload, JobContext context, CancellationToken cancellationToken) =>
        recorder.RunAsync(context.JobId, async () =>
        {
            recorder.Started.TryAdd(context.JobId, 0);
            await Task.Delay(payload.Read<Payload>().DelayMs, cancellationToken);
        });
}

/// <summary>Reads a practice's patients the way a real handler would: from the practice named in its payload.</summary>
public sealed class TenantHandler(JobRecorder recorder, AppDbContext db, TenantScope tenant) : IJobHandler
{
    public const string Name = "test.tenant";
    public string Kind => Name;

    public sealed record Payload(Guid PracticeId);

    public async Task HandleAsync(JsonElement payload, JobContext context, CancellationToken cancellationToken)
    {
        var practiceId = payload.Read<Payload>().PracticeId;
        var before = await db.Patients.IgnoreQueryFilters().LongCountAsync(cancellationToken);
        await tenant.EnterPracticeAsWorkerAsync(practiceId, cancellationToken);
        var filtered = await db.Patients.LongCountAsync(cancellationToken);
        var unfiltered = await db.Patients.IgnoreQueryFilters().LongCountAsync(cancellationToken);
        recorder.PatientCounts[context.JobId] = (filtered, unfiltered, before);
    }
}

/// <summary>
/// A job with a dead-letter handler: fails when its payload says so, and its dead-letter handler fails the first
/// <see cref="Payload.DeadLetterFailures"/> times.
/// </summary>
public sealed class SettleHandler(JobRecorder recorder) : IJobDeadLetterHandler
{
    public const string Name = "test.settle";
    public string Kind => Name;

    public sealed record Payload(bool Fail, int DeadLetterFailures);

    public Task HandleAsync(JsonElement payload, JobContext context, CancellationToken cancellationToken) =>
        recorder.RunAsync(context.JobId, () =>
        {
            recorder.Attempts.GetOrAdd(context.JobId, _ => new()).Enqueue((context.Attempt, default));
            return payload.Read<Payload>().Fail ? throw new InvalidOperationException($"boom on attempt {context.Attempt}") : Task.CompletedTask;
        });

    public Task OnDeadAsync(JsonElement payload, JobContext context, DeadLetter deadLetter, CancellationToken cancellationToken)
    {
        var calls = recorder.DeadLetters.GetOrAdd(context.JobId, _ => new());
        calls.Enqueue((context.Attempt, deadLetter));
        var failures = payload.TryGetProperty("deadLetterFailures", out var n) && n.ValueKind == JsonValueKind.Number ? n.GetInt32() : 0;
        return calls.Count <= failures ? throw new InvalidOperationException($"dead letter failed on call {calls.Count}") : Task.CompletedTask;
    }

    public JobSubject? SubjectOf(JsonElement payload) => null;

    public Task<bool> ReopenAsync(JsonElement payload, CancellationToken cancellationToken) => Task.FromResult(false);
}
