using System.Globalization;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;

namespace OrthoScan.Api.Infrastructure.Jobs;

/// <summary>Recurring work: a job of <paramref name="Kind"/> once in every period of <paramref name="Every"/> (periods are aligned on the Unix epoch, UTC).</summary>
public sealed record Schedule(string Name, string Kind, TimeSpan Every)
{
    public DateTime PeriodStart(DateTime utcNow) => new(utcNow.Ticks - (utcNow.Ticks - DateTime.UnixEpoch.Ticks) % Every.Ticks, DateTimeKind.Utc);
}

/// <summary>The payload of a scheduled job: which schedule and period it runs for.</summary>
public sealed record ScheduledPayload(string Schedule, DateTime Period);

/// <summary>One period of one schedule that was enqueued; its key is what makes N instances enqueue it once. Not tenant data.</summary>
public sealed class ScheduledRun
{
    public required string Name { get; set; }
    /// <summary>The period's start, UTC, as <c>yyyy-MM-ddTHH:mm:ssZ</c>.</summary>
    public required string PeriodKey { get; set; }
    public Guid JobId { get; set; }
    public DateTime EnqueuedAt { get; set; }
}

internal sealed class ScheduledRunConfiguration : IEntityTypeConfiguration<ScheduledRun>
{
    public void Configure(EntityTypeBuilder<ScheduledRun> e)
    {
        e.ToTable("scheduled_runs");
        e.HasKey(r => new { r.Name, r.PeriodKey });
        e.Property(r => r.Name).HasColumnType("text");
        e.Property(r => r.PeriodKey).HasColumnType("text");
        e.Property(r => r.EnqueuedAt).HasDefaultValueSql("now()");
    }
}

/// <summary>
/// Every worker instance ticks the schedules; for each one, the instance whose INSERT of (schedule, period) into
/// scheduled_runs wins enqueues the period's job in the same transaction. The others insert nothing and enqueue
/// nothing, so a period runs once however many instances tick it. A period in which no instance ticked is not
/// caught up: the next one runs as usual.
/// </summary>
public sealed class JobScheduler(IServiceScopeFactory scopes, IEnumerable<Schedule> schedules, ILogger<JobScheduler> logger)
{
    /// <returns>The schedules whose current period this call enqueued.</returns>
    public async Task<IReadOnlyList<string>> TickAsync(DateTime utcNow, CancellationToken ct)
    {
        var enqueued = new List<string>();
        foreach (var schedule in schedules)
        {
            try
            {
                if (await EnqueueOnceAsync(schedule, schedule.PeriodStart(utcNow), ct)) enqueued.Add(schedule.Name);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning(e, "Scheduling {Schedule} failed; the next tick tries again", schedule.Name);
            }
        }
        return enqueued;
    }

    private async Task<bool> EnqueueOnceAsync(Schedule schedule, DateTime period, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var jobs = scope.ServiceProvider.GetRequiredService<IJobQueue>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var jobId = await jobs.EnqueueAsync(schedule.Kind, new ScheduledPayload(schedule.Name, period), cancellationToken: ct);
        var key = period.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        // A concurrent insert of the same key waits for the first to commit, then inserts nothing.
        var won = await db.Database.ExecuteSqlAsync(
            $"INSERT INTO scheduled_runs (name, period_key, job_id) VALUES ({schedule.Name}, {key}, {jobId}) ON CONFLICT DO NOTHING", ct);
        if (won == 0) return false; // rolled back on dispose: the job was never written
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Scheduled {Schedule} for {Period} as job {JobId}", schedule.Name, key, jobId);
        return true;
    }
}

/// <summary>Ticks <see cref="JobScheduler"/> at start and every <see cref="JobsOptions.SchedulerTick"/> (worker role, unless <see cref="JobsOptions.RunScheduler"/> is off).</summary>
internal sealed class SchedulerService(JobScheduler scheduler, TimeProvider clock, IOptions<JobsOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RunScheduler) return;
        await Task.Yield(); // let the host finish starting
        using var timer = new PeriodicTimer(options.Value.SchedulerTick, clock);
        try
        {
            do
            {
                await scheduler.TickAsync(clock.GetUtcNow().UtcDateTime, stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
