using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OrthoScan.Api.Features.Tagging;
using OrthoScan.Api.Infrastructure.Jobs;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Jobs;

[Collection(JobsCollection.Name)]
public sealed class JobQueueTests(JobsFixture jobs) : IAsyncLifetime
{
    private readonly JobRecorder _recorder = new();

    public Task InitializeAsync() => jobs.ClearJobsAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_job_enqueued_in_a_rolled_back_transaction_never_exists_and_a_committed_one_runs_once()
    {
        await using var worker = jobs.Host("worker", _recorder);
        _ = worker.Services;

        var rolledBack = (await jobs.EnqueueAsync(RecordJob.Kind, [new { n = 1 }], commit: false)).Single();
        var committed = (await jobs.EnqueueAsync(RecordJob.Kind, [new { n = 2 }])).Single();

        var row = await jobs.WaitForStatusAsync(committed, JobStatus.Succeeded);
        row.Job.Attempts.ShouldBe(1);
        row.Job.CompletedAt.ShouldNotBeNull();
        row.Job.LockedUntil.ShouldBeNull();
        row.Job.LastError.ShouldBeNull();
        row.Job.Payload.ShouldContain("\"n\": 2");
        _recorder.Runs[committed].ShouldBe(1);
        (await jobs.FindAsync(rolledBack)).ShouldBeNull();
        _recorder.Runs.ShouldNotContainKey(rolledBack);
    }

    [Fact]
    public async Task A_failing_job_is_retried_later_each_time_and_dead_lettered_with_its_error_after_max_attempts()
    {
        await using var worker = jobs.Host("worker", _recorder, ("MaxAttempts", "4"));

        var id = (await jobs.EnqueueAsync(FailJob.Kind, [new { }], host: worker.Services)).Single();

        var row = await jobs.WaitForStatusAsync(id, JobStatus.Dead);
        row.Job.Attempts.ShouldBe(4);
        row.Job.MaxAttempts.ShouldBe(4);
        row.Job.CompletedAt.ShouldNotBeNull();
        row.Job.LockedUntil.ShouldBeNull();
        row.Job.LastError.ShouldNotBeNull();
        row.Job.LastError.ShouldContain("InvalidOperationException: boom on attempt 4");

        var attempts = _recorder.Attempts[id].ToList();
        attempts.Select(a => a.Attempt).ShouldBe([1, 2, 3, 4]);
        // Each retry waits at least the backoff after the attempt before it, which itself ran no earlier than its
        // run_after: base 200 ms doubling, minus the 20 % jitter.
        for (var i = 1; i < attempts.Count; i++)
        {
            var gap = attempts[i].RunAfter - attempts[i - 1].RunAfter;
            gap.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(0.8 * 200 * Math.Pow(2, i - 1)), $"retry {i}");
        }
        _recorder.Attempts[id].Count.ShouldBe(4, "a dead job is not claimed again");
    }

    [Fact]
    public async Task A_job_whose_worker_died_is_claimed_again_once_its_lease_expires_and_completes_once()
    {
        var orphaned = await jobs.EnqueueAsync(RecordJob.Kind);
        var heldByALiveWorker = await jobs.EnqueueAsync(RecordJob.Kind);
        await using (var owner = await Sql.OpenAsync(jobs.Api.OwnerConnectionString))
        {
            // What a worker killed mid-job leaves behind, and what a live one holds.
            await owner.ExecuteAsync("""
                UPDATE jobs SET status = 'running', attempts = 1, locked_by = 'killed-worker', locked_until = now() - interval '1 second' WHERE id = @orphaned;
                UPDATE jobs SET status = 'running', attempts = 1, locked_by = 'live-worker', locked_until = now() + interval '1 hour' WHERE id = @held;
                """, ("orphaned", orphaned), ("held", heldByALiveWorker));
        }

        await using var worker = jobs.Host("worker", _recorder);
        _ = worker.Services;

        var row = await jobs.WaitForStatusAsync(orphaned, JobStatus.Succeeded);
        row.Job.Attempts.ShouldBe(2);
        row.Job.LockedBy.ShouldNotBe("killed-worker");
        row.Job.LastError.ShouldBe("The lease of killed-worker expired.");
        _recorder.Runs[orphaned].ShouldBe(1);

        var held = await jobs.RowAsync(heldByALiveWorker);
        held.Status.ShouldBe(JobStatus.Running);
        held.Job.LockedBy.ShouldBe("live-worker");
        _recorder.Runs.ShouldNotContainKey(heldByALiveWorker);
    }

    [Fact]
    public async Task A_job_whose_last_attempt_never_finished_is_dead_lettered_without_running_again()
    {
        var id = await jobs.EnqueueAsync(RecordJob.Kind);
        await using (var owner = await Sql.OpenAsync(jobs.Api.OwnerConnectionString))
        {
            await owner.ExecuteAsync(
                "UPDATE jobs SET status = 'running', attempts = max_attempts, locked_by = 'killed-worker', locked_until = now() - interval '1 second' WHERE id = @id",
                ("id", id));
        }

        await using var worker = jobs.Host("worker", _recorder);
        _ = worker.Services;

        var row = await jobs.WaitForStatusAsync(id, JobStatus.Dead);
        row.Job.LastError.ShouldNotBeNull();
        row.Job.LastError.ShouldStartWith("Abandoned");
        _recorder.Runs.ShouldNotContainKey(id);
    }

    [Fact]
    public async Task A_worker_that_lost_its_lease_is_cancelled_and_records_no_outcome()
    {
        // A lease of 3 s (renewed every second): with 1 s, a renewal delayed on a loaded machine let the lease run out,
        // and another loop of the same worker rightly claimed the job again, which this test does not mean to show.
        await using var worker = jobs.Host("worker", _recorder, ("Lease", "00:00:03"));
        _ = worker.Services;
        var id = await jobs.EnqueueAsync(BlockJob.Kind);
        await Eventually.TrueAsync(() => _recorder.Started.ContainsKey(id), "the job to start");

        // Another worker takes the job over, as it would had the first one stopped renewing its lease.
        await using var owner = await Sql.OpenAsync(jobs.Api.OwnerConnectionString);
        (await owner.ExecuteAsync(
            "UPDATE jobs SET locked_by = 'other-worker', attempts = attempts + 1, locked_until = now() + interval '1 hour' WHERE id = @id AND status = 'running'",
            ("id", id))).ShouldBe(1);

        await Eventually.TrueAsync(() => _recorder.Cancelled.ContainsKey(id), "the first worker's handler to be cancelled");
        await Eventually.TrueAsync(() => _recorder.Runs[id] == 1 && _recorder.Overlaps == 0, "the handler to return");
        await Task.Delay(500); // room for a wrong write to land
        var row = await jobs.RowAsync(id);
        row.Status.ShouldBe(JobStatus.Running);
        row.Job.LockedBy.ShouldBe("other-worker");
        row.Job.Attempts.ShouldBe(2);
        row.Job.LastError.ShouldBeNull();
    }

    [Fact]
    public async Task A_stopping_worker_lets_its_running_job_finish_and_claims_nothing_more()
    {
        await using var worker = jobs.Host("worker", _recorder, ("Concurrency", "1"));
        _ = worker.Services;
        var running = await jobs.EnqueueAsync(SlowJob.Kind, new SlowJob.Command(2000));
        await Eventually.TrueAsync(() => _recorder.Started.ContainsKey(running), "the job to start");
        var waiting = await jobs.EnqueueAsync(RecordJob.Kind);

        await worker.DisposeAsync(); // a graceful stop while the job runs

        var finished = await jobs.RowAsync(running);
        finished.Status.ShouldBe(JobStatus.Succeeded);
        _recorder.Runs[running].ShouldBe(1);
        var next = await jobs.RowAsync(waiting);
        next.Status.ShouldBe(JobStatus.Queued);
        next.Job.Attempts.ShouldBe(0);
    }

    [Fact]
    public async Task Eight_workers_in_two_hosts_run_each_of_200_jobs_exactly_once()
    {
        await using var first = jobs.Host("worker", _recorder, ("Concurrency", "4"));
        await using var second = jobs.Host("all", _recorder, ("Concurrency", "4"));
        _ = first.Services;
        _ = second.Services;

        var ids = await jobs.EnqueueAsync(RecordJob.Kind, Enumerable.Range(0, 200).Select(n => (object)new { n }));

        await using var owner = await Sql.OpenAsync(jobs.Api.OwnerConnectionString);
        await Eventually.ValueAsync(() => owner.ScalarAsync<long>("SELECT count(*) FROM jobs WHERE status = 'succeeded'"), n => n == 200, "200 jobs to succeed", 60);
        _recorder.Runs.Keys.Order().ShouldBe(ids.Order());
        _recorder.Runs.Values.ShouldAllBe(runs => runs == 1);
        _recorder.Overlaps.ShouldBe(0);
        (await owner.ScalarAsync<long>("SELECT count(*) FROM jobs WHERE attempts <> 1")).ShouldBe(0);
        (await owner.ScalarAsync<long>("SELECT count(DISTINCT locked_by) FROM jobs")).ShouldBeGreaterThan(1);
    }

    [Fact]
    public async Task A_job_of_a_kind_no_handler_runs_waits_queued_instead_of_failing_into_the_dead_letter()
    {
        await using var worker = jobs.Host("worker", _recorder);
        _ = worker.Services;

        var unhandled = (await jobs.EnqueueAsync("not_deployed_yet.deliver", [new { n = 1 }])).Single();
        var handled = (await jobs.EnqueueAsync(RecordJob.Kind, [new { n = 2 }])).Single();

        await jobs.WaitForStatusAsync(handled, JobStatus.Succeeded);
        await Task.Delay(500); // several more polls of the worker
        var row = await jobs.FindAsync(unhandled);
        row.ShouldNotBeNull();
        row.Status.ShouldBe(JobStatus.Queued);
        row.Job.Attempts.ShouldBe(0);
        row.Job.LastError.ShouldBeNull();
    }

    [Fact]
    public async Task Parallel_claims_never_hand_out_one_job_twice()
    {
        var ids = await jobs.EnqueueAsync(RecordJob.Kind, Enumerable.Range(0, 200).Select(n => (object)new { n }));
        var store = jobs.Api.Services.GetRequiredService<JobStore>();
        var claimed = new System.Collections.Concurrent.ConcurrentBag<Guid>();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            while (await store.ClaimAsync($"claimer-{i}", [RecordJob.Kind], TimeSpan.FromMinutes(5), default) is { } job) claimed.Add(job.Id);
        })));

        claimed.Count.ShouldBe(200);
        claimed.Order().ShouldBe(ids.Order());
    }

    [Fact]
    public async Task A_new_job_wakes_an_idle_worker_without_waiting_for_the_next_poll()
    {
        await using var worker = jobs.Host("worker", _recorder, ("PollInterval", "01:00:00"));
        _ = worker.Services;
        await Task.Delay(300); // the worker's first claims find nothing, then it waits for a notification

        var id = await jobs.EnqueueAsync(RecordJob.Kind);

        await jobs.WaitForStatusAsync(id, JobStatus.Succeeded);
        _recorder.Runs[id].ShouldBe(1);
    }

    [Fact]
    public async Task A_host_in_the_api_role_enqueues_but_runs_no_jobs_and_a_worker_host_serves_only_health()
    {
        await using var api = jobs.Host("api", _recorder);
        api.Services.GetServices<IHostedService>().ShouldNotContain(s => s is JobWorker);
        var id = await jobs.EnqueueAsync(RecordJob.Kind);
        await Task.Delay(1500); // fifteen poll intervals of a worker
        var row = await jobs.RowAsync(id);
        row.Status.ShouldBe(JobStatus.Queued);
        row.Job.Attempts.ShouldBe(0);
        _recorder.Runs.ShouldBeEmpty();

        await using var worker = jobs.Host("worker", _recorder);
        worker.Services.GetServices<IHostedService>().ShouldContain(s => s is JobWorker);
        await jobs.WaitForStatusAsync(id, JobStatus.Succeeded);
        using var client = worker.CreateClient();
        (await client.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/api/v1/practices/current")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync("/openapi/v1.json")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_jobs_table_is_not_tenant_data_and_the_app_role_cannot_delete_jobs()
    {
        var id = await jobs.EnqueueAsync(RecordJob.Kind);
        await using var owner = await Sql.OpenAsync(jobs.Api.OwnerConnectionString);
        (await owner.ScalarAsync<long>("SELECT count(*) FROM information_schema.columns WHERE table_name = 'jobs' AND column_name LIKE '%practice%'")).ShouldBe(0);

        await using var app = await Sql.OpenAsync(jobs.Api.AppConnectionString);
        (await app.ScalarAsync<long>("SELECT count(*) FROM jobs WHERE id = @id", ("id", id))).ShouldBe(1);
        var error = await Should.ThrowAsync<PostgresException>(() => app.ExecuteAsync("DELETE FROM jobs WHERE id = @id", ("id", id)));
        error.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
    }
}
