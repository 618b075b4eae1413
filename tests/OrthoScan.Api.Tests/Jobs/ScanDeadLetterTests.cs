using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OrthoScan.Api.Features.Scans;
using OrthoScan.Api.Infrastructure.Jobs;
using OrthoScan.Api.Infrastructure.Storage;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Scans;
using Shouldly;
// The rows' states, read from the jobs table; the answers' spelling of them is Contract.DeadReason.
using DeadReason = OrthoScan.Api.Infrastructure.Jobs.DeadReason;
using JobStatus = OrthoScan.Api.Infrastructure.Jobs.JobStatus;

namespace OrthoScan.Api.Tests.Jobs;

/// <summary>No scan stays processing: whatever ends its job, the patient is asked again and the owner sees the dead job.</summary>
[Collection(JobsCollection.Name)]
public sealed class ScanDeadLetterTests(JobsFixture jobs) : IAsyncLifetime
{
    private readonly JobRecorder _recorder = new();

    public Task InitializeAsync() => jobs.ClearJobsAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_scan_whose_worker_died_on_the_last_attempt_asks_the_patient_again_and_is_listed_for_the_owner()
    {
        var owner = await jobs.Api.RegisterPracticeAsync();
        var (app, sessionId, jobId) = await jobs.SubmittedScanAsync(owner);
        await jobs.SimulateWorkerDiedOnLastAttemptAsync(jobId); // e.g. killed out of memory by the photos

        await using var worker = jobs.Host("worker", _recorder);
        _ = worker.Services;
        await jobs.WaitForStatusAsync(jobId, JobStatus.Dead);

        var seen = await SessionAsync(app.AccessToken, sessionId);
        seen.Status.ShouldBe(ScanSessionStatus.NeedsRetake);
        var images = seen.Images;
        images.Select(i => ContractJson.Wire(i.ImageType)).ShouldBe(ScanFlow.Views, ignoreOrder: true);
        images.ShouldAllBe(i => i.Status == ScanImageStatus.Rejected && i.RetakeReasons.Single() == ProcessSession.ProcessingFailed);

        var dead = await jobs.DeadJobsAsync(owner);
        dead.NextCursor.ShouldBeNull();
        var item = dead.Items.ShouldHaveSingleItem();
        item.Id.ShouldBe(jobId);
        item.Kind.ShouldBe(ProcessSession.Kind);
        item.Subject.ShouldBe(new JobSubjectDto("scan_session", sessionId));
        item.Attempts.ShouldBe(5);
        item.Reason.ShouldBe(Contract.DeadReason.Abandoned);
        item.Error.ShouldContain("worker stopped");
        item.DeadSince.ShouldBeGreaterThan(DateTime.UtcNow.AddMinutes(-5));
    }

    [Fact]
    public async Task A_scan_whose_processing_throws_on_every_attempt_asks_the_patient_again_and_the_owner_sees_only_the_error_type()
    {
        var owner = await jobs.Api.RegisterPracticeAsync();
        var (app, sessionId, jobId) = await jobs.SubmittedScanAsync(owner);
        await CorruptUploadAsync(owner.PracticeId, sessionId, "frontal");

        await using var worker = jobs.Host("worker", _recorder);
        _ = worker.Services;
        var row = await jobs.WaitForStatusAsync(jobId, JobStatus.Dead);
        row.Job.Attempts.ShouldBe(5);
        row.Job.DeadReason.ShouldBe(DeadReason.Failed);

        var seen = await SessionAsync(app.AccessToken, sessionId);
        seen.Status.ShouldBe(ScanSessionStatus.NeedsRetake);
        seen.Images.ShouldAllBe(i => i.RetakeReasons.Single() == ProcessSession.ProcessingFailed);

        var body = await (await jobs.Api.As(owner).GetAsync("/api/v1/admin/jobs/dead")).Content.ReadAsStringAsync();
        body.ShouldContain("the last error was BlobCorruptedException");
        body.ShouldNotContain(" at ", Case.Sensitive, "no stack trace");
        body.ShouldNotContain("practices/", Case.Sensitive, "no object key (it names the patient)");
    }

    [Fact]
    public async Task Twenty_parallel_retries_of_a_dead_scan_job_requeue_it_once_and_the_scan_is_then_processed()
    {
        var owner = await jobs.Api.RegisterPracticeAsync();
        var (app, sessionId, jobId) = await jobs.SubmittedScanAsync(owner);
        await jobs.SimulateWorkerDiedOnLastAttemptAsync(jobId);
        await using var worker = jobs.Host("worker", _recorder);
        _ = worker.Services;
        await jobs.WaitForStatusAsync(jobId, JobStatus.Dead);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => jobs.Api.As(owner).PostAsync($"/api/v1/admin/jobs/{jobId}/retry", null)));

        responses.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(1);
        var refused = responses.Where(r => r.StatusCode != HttpStatusCode.OK).ToList();
        refused.Count.ShouldBe(19);
        foreach (var response in refused) await response.ShouldFailAsync(HttpStatusCode.Conflict, "job-not-dead");
        var retried = await responses.Single(r => r.StatusCode == HttpStatusCode.OK).ShouldBeAsync<RetriedJobDto>(HttpStatusCode.OK);
        retried.SubjectReopened.ShouldBeTrue();

        var processed = await jobs.Api.WaitUntilProcessedAsync(app.AccessToken, sessionId);
        processed.Status.ShouldBe(ScanSessionStatus.Ready);
        processed.Images.ShouldAllBe(i => i.Status == ScanImageStatus.Processed);
        var row = await jobs.WaitForStatusAsync(jobId, JobStatus.Succeeded);
        row.Job.Attempts.ShouldBe(7, "five, the abandoned claim, and the one retry");
        (await jobs.DeadJobsAsync(owner)).Items.ShouldBeEmpty();
        var audit = await (await jobs.Api.As(owner).GetAsync($"/api/v1/audit?resourceId={jobId}")).ShouldBeAsync<PageDto<AuditEntryDto>>(HttpStatusCode.OK);
        audit.Items.Select(e => e.Action).ShouldBe(["Admin.RetryDeadJob"]);
    }

    [Fact]
    public async Task Retrying_after_the_patient_started_the_retake_requeues_the_job_but_leaves_the_scan_with_the_patient()
    {
        var owner = await jobs.Api.RegisterPracticeAsync();
        var (app, sessionId, jobId) = await jobs.SubmittedScanAsync(owner);
        await jobs.SimulateWorkerDiedOnLastAttemptAsync(jobId);
        await using (var worker = jobs.Host("worker", _recorder))
        {
            _ = worker.Services;
            await jobs.WaitForStatusAsync(jobId, JobStatus.Dead);
        }
        (await jobs.Api.UploadAsync(app, sessionId.ToString(), "frontal", ScanFlow.Photo(900))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var retried = await (await jobs.Api.As(owner).PostAsync($"/api/v1/admin/jobs/{jobId}/retry", null)).ShouldBeAsync<RetriedJobDto>(HttpStatusCode.OK);

        retried.SubjectReopened.ShouldBeFalse();
        (await SessionAsync(app.AccessToken, sessionId)).Status.ShouldBe(ScanSessionStatus.NeedsRetake);
    }

    [Fact]
    public async Task A_scan_left_processing_with_no_live_job_is_settled_by_the_stuck_session_sweep_and_no_other()
    {
        var owner = await jobs.Api.RegisterPracticeAsync();
        var (app, stuck, stuckJob) = await jobs.SubmittedScanAsync(owner);
        var (_, working, workingJob) = await jobs.SubmittedScanAsync(owner);
        var (_, recent, recentJob) = await jobs.SubmittedScanAsync(owner);
        await using (var db = await Sql.OpenAsync(jobs.Api.OwnerConnectionString, owner.PracticeId))
        {
            // Dead-lettered before any handler settled it (as the old worker did), long ago; one still held by a live worker; one dead just now.
            await db.ExecuteAsync("UPDATE jobs SET status = 'dead', completed_at = now() WHERE id = ANY(@ids)", ("ids", new[] { stuckJob, recentJob }));
            await db.ExecuteAsync("UPDATE jobs SET status = 'running', attempts = 1, locked_by = 'live-worker', locked_until = now() + interval '1 hour' WHERE id = @id", ("id", workingJob));
            await db.ExecuteAsync("UPDATE scan_sessions SET submitted_at = now() - interval '2 hours' WHERE id = ANY(@ids)", ("ids", new[] { stuck, working }));
        }
        await using var worker = jobs.Host("worker", _recorder);

        (await worker.Services.GetRequiredService<JobScheduler>().TickAsync(DateTime.UtcNow, default)).ShouldContain(SettleStuckSessions.Schedule);
        var sweep = await SweepJobAsync(SettleStuckSessions.Kind);
        await jobs.WaitForStatusAsync(sweep, JobStatus.Succeeded);

        var seen = await SessionAsync(app.AccessToken, stuck);
        seen.Status.ShouldBe(ScanSessionStatus.NeedsRetake);
        seen.Images.ShouldAllBe(i => i.RetakeReasons.Single() == ProcessSession.ProcessingFailed);
        (await SessionAsync(owner.AccessToken, working)).Status.ShouldBe(ScanSessionStatus.Processing, "its job is still running");
        (await SessionAsync(owner.AccessToken, recent)).Status.ShouldBe(ScanSessionStatus.Processing, "sent too recently to be called stuck");
    }

    private async Task<ScanSessionDto> SessionAsync(string accessToken, Guid sessionId) =>
        await (await jobs.Api.As(accessToken).GetAsync($"/api/v1/scans/sessions/{sessionId}")).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.OK);

    private async Task<Guid> SweepJobAsync(string kind)
    {
        await using var owner = await Sql.OpenAsync(jobs.Api.OwnerConnectionString);
        return await owner.ScalarAsync<Guid>("SELECT id FROM jobs WHERE kind = @kind", ("kind", kind));
    }

    /// <summary>Overwrites a view's upload in the encrypted store with bytes that fail its authentication on read.</summary>
    private async Task CorruptUploadAsync(Guid practiceId, Guid sessionId, string view)
    {
        await using var db = await Sql.OpenAsync(jobs.Api.OwnerConnectionString, practiceId);
        var key = await db.ScalarAsync<string>("SELECT upload_key FROM scan_images WHERE session_id = @s AND image_type = @v", ("s", sessionId), ("v", view));
        var store = (EncryptedFileBlobStore)jobs.Api.Services.GetRequiredService<IBlobStore>();
        await File.WriteAllBytesAsync(store.PathOf(key), new byte[4096]);
    }
}
