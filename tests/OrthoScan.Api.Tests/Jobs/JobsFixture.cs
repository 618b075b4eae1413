using System.Collections.Concurrent;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrthoScan.Api.Infrastructure.Jobs;
using OrthoScan.Api.Infrastructure.Persistence;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Jobs;

/// <summary>
/// A database of its own for the job tests, so that no other test's worker claims their jobs. Its own host runs in the
/// api role (it enqueues and serves the API, runs nothing); each test starts the worker hosts it needs, with the
/// test jobs (<see cref="TestJobs"/>), and stops them before it ends.
/// </summary>
public sealed class JobsFixture : IAsyncLifetime
{
    public ApiFactory Api { get; } = new();

    public JobsFixture() => Api.Settings["role"] = "api";

    public Task InitializeAsync() => Api.InitializeAsync();

    public Task DisposeAsync() => Api.DisposeAsync();

    /// <summary>Another host on the same database, in the given role, with the test jobs writing to <paramref name="recorder"/>.</summary>
    public WebApplicationFactory<Program> Host(string role, JobRecorder recorder, params (string Key, string Value)[] jobSettings) =>
        Host(role, recorder, _ => { }, jobSettings);

    public WebApplicationFactory<Program> Host(string role, JobRecorder recorder, Action<IServiceCollection> configure, params (string Key, string Value)[] jobSettings) =>
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
                services.AddTestJobs();
                configure(services);
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

    /// <summary>Enqueues a job command under its kind, as a feature does.</summary>
    public async Task<Guid> EnqueueAsync<TCommand>(TCommand job, IServiceProvider? host = null) where TCommand : IJobCommand
    {
        using var scope = (host ?? Api.Services).CreateScope();
        var id = await scope.ServiceProvider.GetRequiredService<IJobQueue>().EnqueueAsync(job);
        await scope.ServiceProvider.GetRequiredService<AppDbContext>().SaveChangesAsync();
        return id;
    }

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
    public ConcurrentDictionary<Guid, TenantJob.View> Views { get; } = new();
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
