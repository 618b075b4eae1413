using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrthoScan.Api.Features.Scans;
using OrthoScan.Api.Infrastructure.Errors;
using OrthoScan.Api.Infrastructure.Jobs;
using OrthoScan.Api.Infrastructure.Storage;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Outages;
using OrthoScan.Api.Tests.Scans;
using Shouldly;

namespace OrthoScan.Api.Tests.Jobs;

/// <summary>
/// A job runs through the request pipeline: its payload is validated, it runs as the worker inside the practice it
/// names, its change commits with an audit row that names no actor, and its failure is read as a request's would be
/// (refused at once, or tried again when a dependency was down).
/// </summary>
[Collection(JobsCollection.Name)]
public sealed class JobPipelineTests(JobsFixture jobs) : IAsyncLifetime
{
    private readonly JobRecorder _recorder = new();

    public Task InitializeAsync() => jobs.ClearJobsAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_scan_job_whose_payload_fails_validation_is_refused_at_once_and_listed_for_the_owner_naming_nothing()
    {
        var owner = await jobs.Api.RegisterPracticeAsync();
        await using var worker = jobs.Host("worker", _recorder);
        _ = worker.Services;

        var id = await jobs.EnqueueAsync(new ProcessSession.Command(owner.PracticeId, Guid.Empty));

        var row = await jobs.WaitForStatusAsync(id, JobStatus.Dead);
        row.Job.Attempts.ShouldBe(1, "a refused job is not tried again");
        row.Job.DeadReason.ShouldBe(DeadReason.Refused);
        row.Job.LastErrorType.ShouldBe(typeof(FluentValidation.ValidationException).FullName);
        var item = (await jobs.DeadJobsAsync(owner)).Items.ShouldHaveSingleItem();
        item.Reason.ShouldBe(Contract.DeadReason.Refused);
        item.Subject.ShouldBeNull("an invalid payload names no scan");
        item.Error.ShouldContain("ValidationException");
    }

    [Fact]
    public async Task A_job_runs_as_no_user_inside_the_practice_its_payload_names_and_cannot_reach_another_practices_rows()
    {
        var practice = await jobs.Api.RegisterPracticeAsync();
        await jobs.Api.AddPatientAsync(practice);
        await jobs.Api.AddPatientAsync(practice, "Grace", "Hopper");
        var other = await jobs.Api.RegisterPracticeAsync();
        var othersPatient = (await jobs.Api.AddPatientAsync(other, "Alan", "Turing")).Id;
        await using var worker = jobs.Host("worker", _recorder);
        _ = worker.Services;

        var looked = await jobs.EnqueueAsync(new TenantJob.Command(practice.PracticeId, othersPatient));
        var renamed = await jobs.EnqueueAsync(new RenamePatientJob.Command(practice.PracticeId, othersPatient, "Renamed"));

        await jobs.WaitForStatusAsync(looked, JobStatus.Succeeded);
        _recorder.Views[looked].ShouldBe(new TenantJob.View(practice.PracticeId, null, null, Patients: 2, PatientsIgnoringFilters: 2, OtherPracticesPatientBySql: 0));
        var refused = await jobs.WaitForStatusAsync(renamed, JobStatus.Dead);
        refused.Job.DeadReason.ShouldBe(DeadReason.Refused, "another practice's patient is not found, as in a request");
        refused.Job.Attempts.ShouldBe(1);
        (await LastNameAsync(other.PracticeId, othersPatient)).ShouldBe("Turing");
    }

    [Fact]
    public async Task A_jobs_change_commits_with_one_audit_row_that_names_no_actor()
    {
        var owner = await jobs.Api.RegisterPracticeAsync();
        var patient = (await jobs.Api.AddPatientAsync(owner)).Id;
        await using var worker = jobs.Host("worker", _recorder);
        _ = worker.Services;

        var id = await jobs.EnqueueAsync(new RenamePatientJob.Command(owner.PracticeId, patient, "Byron"));

        await jobs.WaitForStatusAsync(id, JobStatus.Succeeded);
        (await LastNameAsync(owner.PracticeId, patient)).ShouldBe("Byron");
        var audit = (await AuditOfAsync(owner.PracticeId, patient)).Where(a => a.Action == "Jobs.RenamePatientJob").ShouldHaveSingleItem();
        audit.ShouldBe(new AuditRow("Jobs.RenamePatientJob", "patient", null, null, null));
    }

    [Fact]
    public async Task A_job_that_breaks_a_rule_is_refused_at_once_and_its_change_and_audit_row_roll_back()
    {
        var owner = await jobs.Api.RegisterPracticeAsync();
        var patient = (await jobs.Api.AddPatientAsync(owner)).Id;
        await using var worker = jobs.Host("worker", _recorder);
        _ = worker.Services;

        var id = await jobs.EnqueueAsync(new RenamePatientJob.Command(owner.PracticeId, patient, "Byron", BreakRule: true));

        var row = await jobs.WaitForStatusAsync(id, JobStatus.Dead);
        row.Job.DeadReason.ShouldBe(DeadReason.Refused);
        row.Job.Attempts.ShouldBe(1);
        row.Job.LastErrorType.ShouldBe(typeof(RuleViolationException).FullName);
        _recorder.Runs[id].ShouldBe(1);
        (await LastNameAsync(owner.PracticeId, patient)).ShouldBe("Lovelace");
        (await AuditOfAsync(owner.PracticeId, patient)).ShouldNotContain(a => a.Action == "Jobs.RenamePatientJob");
    }

    [Fact]
    public async Task A_job_that_finds_the_database_unreachable_is_tried_again_and_succeeds_once_it_is_back()
    {
        var target = new NpgsqlConnectionStringBuilder(jobs.Api.AppConnectionString);
        await using var relay = new LoopbackRelay(target.Port);
        target.Host = "127.0.0.1";
        target.Port = relay.Port;
        target.Pooling = false;
        await using var worker = jobs.Host("worker", _recorder, services => services.AddSingleton(new OutageTarget(target.ConnectionString)),
            ("BackoffBase", "00:00:01"));
        _ = worker.Services;

        var id = await jobs.EnqueueAsync(new OutageJob.Command());

        var failed = await Eventually.ValueAsync(() => jobs.RowAsync(id), r => r.Status == JobStatus.Queued && r.Job.Attempts == 1, "the first attempt to fail");
        failed.Job.LastErrorType.ShouldBe(typeof(NpgsqlException).FullName);
        failed.Job.DeadReason.ShouldBeNull();
        relay.Start();
        var row = await jobs.WaitForStatusAsync(id, JobStatus.Succeeded);
        row.Job.Attempts.ShouldBe(2);
        _recorder.Runs[id].ShouldBe(2);
    }

    [Fact]
    public async Task A_processed_scan_is_audited_with_no_actor_and_its_raw_uploads_are_deleted_once_that_committed()
    {
        var owner = await jobs.Api.RegisterPracticeAsync();
        var (_, sessionId, jobId) = await jobs.SubmittedScanAsync(owner);
        List<string> uploads;
        await using (var db = await Sql.OpenAsync(jobs.Api.OwnerConnectionString, owner.PracticeId))
            uploads = await db.ColumnAsync($"SELECT upload_key FROM scan_images WHERE session_id = '{sessionId}'");
        uploads.Count.ShouldBe(ScanFlow.Views.Length);
        await using var worker = jobs.Host("worker", _recorder);
        _ = worker.Services;

        await jobs.WaitForStatusAsync(jobId, JobStatus.Succeeded);

        var store = jobs.Api.Services.GetRequiredService<IBlobStore>();
        foreach (var key in uploads) (await store.ExistsAsync(key, default)).ShouldBeFalse("the photo as sent is gone once the derivatives are recorded");
        (await AuditOfAsync(owner.PracticeId, sessionId)).Where(a => a.Action == "Scans.ProcessSession").ShouldHaveSingleItem()
            .ShouldBe(new AuditRow("Scans.ProcessSession", "scan_session", null, null, null));
    }

    [Fact]
    public async Task A_job_sent_outside_the_worker_is_refused_before_it_runs()
    {
        var owner = await jobs.Api.RegisterPracticeAsync();
        var patient = (await jobs.Api.AddPatientAsync(owner)).Id;
        await using var host = jobs.Host("api", _recorder);
        using var scope = host.Services.CreateScope();

        var refused = await Should.ThrowAsync<InvalidOperationException>(async () =>
            await scope.ServiceProvider.GetRequiredService<ISender>().Send(new ProcessSession.Command(owner.PracticeId, Guid.NewGuid())));
        refused.Message.ShouldContain("only the job worker may send it");
        await Should.ThrowAsync<InvalidOperationException>(async () =>
            await scope.ServiceProvider.GetRequiredService<JobCatalog>().Definitions.Single(d => d.Kind == RenamePatientJob.Kind)
                .RunAsync(scope.ServiceProvider, new RenamePatientJob.Command(owner.PracticeId, patient, "Byron"), default));
        (await LastNameAsync(owner.PracticeId, patient)).ShouldBe("Lovelace");
    }

    private sealed record AuditRow(string Action, string? ResourceType, Guid? UserId, string? ActorRole, string? IpAddress);

    private async Task<List<AuditRow>> AuditOfAsync(Guid practiceId, Guid resourceId)
    {
        await using var db = await Sql.OpenAsync(jobs.Api.OwnerConnectionString, practiceId);
        await using var command = new NpgsqlCommand(
            "SELECT action, resource_type, user_id, actor_role, ip_address::text FROM audit_log WHERE resource_id = @id ORDER BY occurred_at", db);
        command.Parameters.AddWithValue("id", resourceId);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<AuditRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new AuditRow(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetGuid(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }
        return rows;
    }

    private async Task<string> LastNameAsync(Guid practiceId, Guid patientId)
    {
        await using var db = await Sql.OpenAsync(jobs.Api.OwnerConnectionString, practiceId);
        return await db.ScalarAsync<string>("SELECT last_name FROM patients WHERE id = @id", ("id", patientId));
    }
}
