using OrthoScan.Api.Infrastructure.Jobs;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Jobs;

/// <summary>Whatever ends a job's last attempt, its dead-letter handler gets to settle the job's subject, and the job never runs again.</summary>
[Collection(JobsCollection.Name)]
public sealed class DeadLetterTests(JobsFixture jobs) : IAsyncLifetime
{
    private readonly JobRecorder _recorder = new();

    public Task InitializeAsync() => jobs.ClearJobsAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_job_failing_its_last_attempt_is_settled_by_its_dead_letter_handler_once_then_dead()
    {
        await using var worker = jobs.Host("worker", _recorder, ("MaxAttempts", "3"));

        var id = (await jobs.EnqueueAsync(SettleJob.Kind, [new SettleJob.Command(Fail: true, DeadLetterFailures: 0)], host: worker.Services)).Single();

        var row = await jobs.WaitForStatusAsync(id, JobStatus.Dead);
        row.Job.DeadReason.ShouldBe(DeadReason.Failed);
        row.Job.Attempts.ShouldBe(3);
        row.Job.LastErrorType.ShouldBe(typeof(InvalidOperationException).FullName);
        row.Job.LastError.ShouldNotBeNull().ShouldContain("boom on attempt 3");
        _recorder.Runs[id].ShouldBe(3);
        var deadLetter = _recorder.DeadLetters[id].ShouldHaveSingleItem();
        deadLetter.Attempt.ShouldBe(3);
        deadLetter.DeadLetter.ShouldBe(new DeadLetter(DeadReason.Failed, typeof(InvalidOperationException).FullName));
    }

    [Fact]
    public async Task A_job_whose_worker_died_on_its_last_attempt_is_settled_as_abandoned_and_never_run_again()
    {
        var id = await jobs.EnqueueAsync(SettleJob.Kind, new SettleJob.Command(Fail: false, DeadLetterFailures: 0));
        await jobs.SimulateWorkerDiedOnLastAttemptAsync(id);

        await using var worker = jobs.Host("worker", _recorder);
        _ = worker.Services;

        var row = await jobs.WaitForStatusAsync(id, JobStatus.Dead);
        row.Job.DeadReason.ShouldBe(DeadReason.Abandoned);
        row.Job.LastError.ShouldNotBeNull().ShouldStartWith("Abandoned: the lease of killed-worker on attempt 5 expired");
        _recorder.Runs.ShouldNotContainKey(id);
        _recorder.DeadLetters[id].ShouldHaveSingleItem().DeadLetter.ShouldBe(new DeadLetter(DeadReason.Abandoned, null));
    }

    [Fact]
    public async Task A_failing_dead_letter_handler_is_tried_again_later_and_the_job_is_never_run_again()
    {
        await using var worker = jobs.Host("worker", _recorder, ("MaxAttempts", "2"));

        var id = (await jobs.EnqueueAsync(SettleJob.Kind, [new SettleJob.Command(Fail: true, DeadLetterFailures: 2)], host: worker.Services)).Single();

        var row = await jobs.WaitForStatusAsync(id, JobStatus.Dead);
        _recorder.Runs[id].ShouldBe(2, "the job itself ran only its two attempts");
        _recorder.DeadLetters[id].Select(c => c.Attempt).ShouldBe([2, 3, 4], "two failed settlements, each claimed again later, then one that held");
        _recorder.DeadLetters[id].ShouldAllBe(c => c.DeadLetter.Reason == DeadReason.Failed);
        row.Job.DeadReason.ShouldBe(DeadReason.Failed);
        row.Job.LastError.ShouldNotBeNull().ShouldContain("boom on attempt 2", customMessage: "the job's own error is kept, not the dead-letter handler's");
    }

    [Fact]
    public async Task A_dead_letter_handler_that_keeps_failing_is_given_up_after_its_attempts_and_the_job_is_dead()
    {
        await using var worker = jobs.Host("worker", _recorder, ("MaxAttempts", "1"), ("DeadLetterAttempts", "2"));

        var id = (await jobs.EnqueueAsync(SettleJob.Kind, [new SettleJob.Command(Fail: true, DeadLetterFailures: 100)], host: worker.Services)).Single();

        var row = await jobs.WaitForStatusAsync(id, JobStatus.Dead);
        _recorder.Runs[id].ShouldBe(1);
        _recorder.DeadLetters[id].Count.ShouldBe(3, "the first try and two more");
        row.Job.DeadReason.ShouldBe(DeadReason.Failed);
    }

    [Fact]
    public async Task A_worker_that_died_inside_the_dead_letter_handler_leaves_it_to_the_next_worker_with_the_reason_kept()
    {
        var id = await jobs.EnqueueAsync(SettleJob.Kind, new SettleJob.Command(Fail: true, DeadLetterFailures: 0));
        await using (var owner = await Sql.OpenAsync(jobs.Api.OwnerConnectionString))
        {
            // The last attempt failed and was recorded as dying; then the worker died while settling it.
            await owner.ExecuteAsync("""
                UPDATE jobs SET status = 'running', attempts = max_attempts + 1, dead_reason = 'failed', last_error = 'InvalidOperationException: boom',
                    last_error_type = 'System.InvalidOperationException', locked_by = 'killed-worker', locked_until = now() - interval '1 second'
                WHERE id = @id
                """, ("id", id));
        }

        await using var worker = jobs.Host("worker", _recorder);
        _ = worker.Services;

        var row = await jobs.WaitForStatusAsync(id, JobStatus.Dead);
        _recorder.Runs.ShouldNotContainKey(id);
        _recorder.DeadLetters[id].ShouldHaveSingleItem().DeadLetter.ShouldBe(new DeadLetter(DeadReason.Failed, "System.InvalidOperationException"));
        row.Job.DeadReason.ShouldBe(DeadReason.Failed);
        row.Job.LastError.ShouldBe("InvalidOperationException: boom");
    }

    [Fact]
    public async Task A_payload_its_job_cannot_read_is_dead_lettered_at_once_without_retries_and_settles_nothing()
    {
        await using var worker = jobs.Host("worker", _recorder);

        var id = (await jobs.EnqueueAsync(SettleJob.Kind, [new { fail = "not a boolean" }], host: worker.Services)).Single();

        var row = await jobs.WaitForStatusAsync(id, JobStatus.Dead);
        row.Job.Attempts.ShouldBe(1);
        row.Job.DeadReason.ShouldBe(DeadReason.UnreadablePayload);
        row.Job.LastErrorType.ShouldBe(typeof(UnreadableJobPayloadException).FullName);
        _recorder.Runs.ShouldNotContainKey(id);
        _recorder.DeadLetters.ShouldNotContainKey(id, "an unreadable payload names nothing to settle (the sweeps find what waits on it)");
    }

    [Fact]
    public async Task A_payload_that_fails_its_jobs_validator_is_refused_at_once_never_runs_and_settles_nothing()
    {
        await using var worker = jobs.Host("worker", _recorder);

        var id = await jobs.EnqueueAsync(new SettleJob.Command(Fail: false, DeadLetterFailures: -1), worker.Services);

        var row = await jobs.WaitForStatusAsync(id, JobStatus.Dead);
        row.Job.Attempts.ShouldBe(1);
        row.Job.DeadReason.ShouldBe(DeadReason.Refused);
        row.Job.LastErrorType.ShouldBe(typeof(FluentValidation.ValidationException).FullName);
        row.Job.LastError.ShouldNotBeNull().ShouldContain("Dead Letter Failures");
        _recorder.Runs.ShouldNotContainKey(id);
        _recorder.DeadLetters.ShouldNotContainKey(id);
    }
}
