using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrthoScan.Api.Features.Scans;
using OrthoScan.Api.Infrastructure.Jobs;
using OrthoScan.Api.Infrastructure.Storage;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Scans;
using Shouldly;

namespace OrthoScan.Api.Tests.Jobs;

/// <summary>Recurring work runs once per period across instances; the raw-upload sweep is such work.</summary>
[Collection(JobsCollection.Name)]
public sealed class SchedulerTests(JobsFixture jobs) : IAsyncLifetime
{
    private readonly JobRecorder _recorder = new();

    public Task InitializeAsync() => jobs.ClearJobsAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Eight_schedulers_ticking_one_period_at_once_enqueue_its_job_exactly_once()
    {
        var schedule = new Schedule("test-every-minute", RecordJob.Kind, TimeSpan.FromMinutes(1));
        var clock = new FakeTimeProvider(new DateTimeOffset(2031, 3, 4, 10, 0, 30, TimeSpan.Zero));
        var schedulers = Enumerable.Range(0, 8).Select(_ => Scheduler(schedule)).ToList();

        var firstTicks = await Task.WhenAll(schedulers.Select(s => s.TickAsync(clock.GetUtcNow().UtcDateTime, default)));
        clock.Advance(TimeSpan.FromSeconds(29)); // 10:00:59, the same period
        var sameMinute = await Task.WhenAll(schedulers.Select(s => s.TickAsync(clock.GetUtcNow().UtcDateTime, default)));
        clock.Advance(TimeSpan.FromSeconds(1)); // 10:01:00, the next one
        var nextMinute = await Task.WhenAll(schedulers.Select(s => s.TickAsync(clock.GetUtcNow().UtcDateTime, default)));

        firstTicks.Count(t => t.Count == 1).ShouldBe(1);
        sameMinute.ShouldAllBe(t => t.Count == 0);
        nextMinute.Count(t => t.Count == 1).ShouldBe(1);
        await using var owner = await Sql.OpenAsync(jobs.Api.OwnerConnectionString);
        (await owner.ColumnAsync("SELECT payload->>'period' FROM jobs WHERE kind = 'test.record' ORDER BY run_after"))
            .ShouldBe(["2031-03-04T10:00:00Z", "2031-03-04T10:01:00Z"]);
        (await owner.ColumnAsync("SELECT period_key FROM scheduled_runs WHERE name = 'test-every-minute' ORDER BY period_key"))
            .ShouldBe(["2031-03-04T10:00:00Z", "2031-03-04T10:01:00Z"]);
    }

    [Fact]
    public async Task The_raw_upload_sweep_deletes_every_upload_older_than_the_limit_whatever_its_scan_and_keeps_fresh_ones()
    {
        var owner = await jobs.Api.RegisterPracticeAsync();
        var (_, failed, failedJob) = await jobs.SubmittedScanAsync(owner);
        await jobs.SimulateWorkerDiedOnLastAttemptAsync(failedJob);
        await using var worker = jobs.Host("worker", _recorder);
        _ = worker.Services;
        await jobs.WaitForStatusAsync(failedJob, JobStatus.Dead); // settled as needs_retake, its uploads still there
        var (readyApp, ready) = await jobs.UploadedScanAsync(owner, ScanFlow.Views);
        await jobs.Api.SubmitScanAsync(readyApp, ready);
        (await jobs.Api.WaitUntilProcessedAsync(readyApp.AccessToken, ready)).Status.ShouldBe(Contract.ScanSessionStatus.Ready);
        var (_, neverSent) = await jobs.UploadedScanAsync(owner, ["frontal", "buccal_l"]);
        var (_, fresh) = await jobs.UploadedScanAsync(owner, ["frontal"]);
        var keys = await UploadKeysAsync(owner.PracticeId);
        keys.Count.ShouldBe(13);
        keys.Count(k => k.Contains(neverSent.ToString(), StringComparison.Ordinal)).ShouldBe(2);
        var freshKey = keys.Single(k => k.Contains(fresh.ToString(), StringComparison.Ordinal));
        var store = jobs.Api.Services.GetRequiredService<IBlobStore>();
        (await store.ExistsAsync(keys.First(k => k.Contains(failed.ToString(), StringComparison.Ordinal)), default)).ShouldBeTrue("a failed scan keeps its uploads");
        await using var ownerDb = await Sql.OpenAsync(jobs.Api.OwnerConnectionString);
        (await ownerDb.ExecuteAsync("UPDATE raw_uploads SET created_at = now() - interval '24 hours 1 minute' WHERE key LIKE @practice AND key <> @fresh",
            ("practice", $"raw/practices/{owner.PracticeId}/%"), ("fresh", freshKey))).ShouldBe(12);
        await ownerDb.ExecuteAsync("UPDATE raw_uploads SET created_at = now() - interval '23 hours 59 minutes' WHERE key = @fresh", ("fresh", freshKey));

        // Two instances tick the same period at the same moment.
        var now = DateTime.UtcNow;
        var ticks = await Task.WhenAll(
            jobs.Api.Services.GetRequiredService<JobScheduler>().TickAsync(now, default),
            worker.Services.GetRequiredService<JobScheduler>().TickAsync(now, default));
        ticks.Count(t => t.Contains(SweepRawUploads.Schedule)).ShouldBe(1);
        var sweep = await ownerDb.ScalarAsync<Guid>("SELECT id FROM jobs WHERE kind = @kind", ("kind", SweepRawUploads.Kind));
        await jobs.WaitForStatusAsync(sweep, JobStatus.Succeeded);

        foreach (var key in keys.Where(k => k != freshKey)) (await store.ExistsAsync(key, default)).ShouldBeFalse(key);
        (await store.ExistsAsync(freshKey, default)).ShouldBeTrue();
        (await UploadKeysAsync(owner.PracticeId)).ShouldBe([freshKey], "the images' upload keys are cleared, the fresh one kept");
        (await ownerDb.ColumnAsync("SELECT key FROM raw_uploads")).Where(k => k.Contains(owner.PracticeId.ToString(), StringComparison.Ordinal)).ShouldBe([freshKey]);
        var readySeen = await (await jobs.Api.As(readyApp.AccessToken).GetAsync($"/api/v1/scans/sessions/{ready}")).ShouldBeAsync<Contract.ScanSessionDto>(HttpStatusCode.OK);
        readySeen.Images.ShouldAllBe(i => i.Urls != null, "the EXIF-free derivatives stay");
    }

    private JobScheduler Scheduler(Schedule schedule) =>
        new(jobs.Api.Services.GetRequiredService<IServiceScopeFactory>(), [schedule], NullLogger<JobScheduler>.Instance);

    /// <summary>The raw upload keys the practice's images still point at.</summary>
    private async Task<List<string>> UploadKeysAsync(Guid practiceId)
    {
        await using var db = await Sql.OpenAsync(jobs.Api.OwnerConnectionString, practiceId);
        return await db.ColumnAsync("SELECT upload_key FROM scan_images WHERE upload_key IS NOT NULL ORDER BY upload_key");
    }
}
