using System.Net;
using OrthoScan.Api.Features.Scans;
using OrthoScan.Api.Infrastructure.Jobs;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Jobs;

/// <summary>The owner's dead-job list and retry: own practice only, owner only, paged like every list.</summary>
[Collection(JobsCollection.Name)]
public sealed class DeadJobsAdminTests(JobsFixture jobs) : IAsyncLifetime
{
    public Task InitializeAsync() => jobs.ClearJobsAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Another_practices_dead_jobs_are_never_listed_nor_retried()
    {
        var ownerA = await jobs.Api.RegisterPracticeAsync("Practice A");
        var ownerB = await jobs.Api.RegisterPracticeAsync("Practice B");
        var jobOfA = await DeadProcessingJobAsync(ownerA.PracticeId);
        var jobOfB = await DeadProcessingJobAsync(ownerB.PracticeId);
        var practiceless = await DeadJobAsync(SweepRawUploads.Kind, new ScheduledPayload(SweepRawUploads.Schedule, DateTime.UtcNow));

        var listedForB = await jobs.DeadJobsAsync(ownerB);
        listedForB.Items.Select(i => i.Id).ShouldBe([jobOfB]);

        await (await jobs.Api.As(ownerB).PostAsync($"/api/v1/admin/jobs/{jobOfA}/retry", null)).ShouldFailAsync(HttpStatusCode.NotFound);
        await (await jobs.Api.As(ownerB).PostAsync($"/api/v1/admin/jobs/{practiceless}/retry", null)).ShouldFailAsync(HttpStatusCode.NotFound);
        await (await jobs.Api.As(ownerB).PostAsync($"/api/v1/admin/jobs/{Guid.NewGuid()}/retry", null)).ShouldFailAsync(HttpStatusCode.NotFound);
        (await jobs.RowAsync(jobOfA)).Status.ShouldBe(JobStatus.Dead);
        (await jobs.RowAsync(practiceless)).Status.ShouldBe(JobStatus.Dead);

        var listedForA = await jobs.DeadJobsAsync(ownerA);
        listedForA.Items.Select(i => i.Id).ShouldBe([jobOfA]);
    }

    [Theory]
    [InlineData("doctor")]
    [InlineData("staff")]
    public async Task Only_the_owner_may_list_or_retry_dead_jobs(string role)
    {
        var owner = await jobs.Api.RegisterPracticeAsync();
        var member = await jobs.Api.AddMemberAsync(owner, role);
        var job = await DeadProcessingJobAsync(owner.PracticeId);

        await (await jobs.Api.As(member).GetAsync("/api/v1/admin/jobs/dead")).ShouldFailAsync(HttpStatusCode.Forbidden);
        await (await jobs.Api.As(member).PostAsync($"/api/v1/admin/jobs/{job}/retry", null)).ShouldFailAsync(HttpStatusCode.Forbidden);
        await (await jobs.Api.As((string?)null).GetAsync("/api/v1/admin/jobs/dead")).ShouldFailAsync(HttpStatusCode.Unauthorized);
        (await jobs.RowAsync(job)).Status.ShouldBe(JobStatus.Dead);
    }

    [Fact]
    public async Task Dead_jobs_come_newest_first_in_pages_with_a_cursor()
    {
        var owner = await jobs.Api.RegisterPracticeAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++) ids.Add(await DeadProcessingJobAsync(owner.PracticeId, deadMinutesAgo: 10 - i));

        var first = await jobs.DeadJobsAsync(owner, "?limit=3");
        var cursor = first.NextCursor.ShouldNotBeNull();
        var second = await jobs.DeadJobsAsync(owner, $"?limit=3&cursor={cursor}");

        second.NextCursor.ShouldBeNull();
        first.Items.Concat(second.Items).Select(i => i.Id).ShouldBe(Enumerable.Reverse(ids));
        await (await jobs.Api.As(owner).GetAsync("/api/v1/admin/jobs/dead?cursor=not-a-cursor")).ShouldFailAsync(HttpStatusCode.BadRequest, "invalid-cursor");
    }

    private Task<Guid> DeadProcessingJobAsync(Guid practiceId, int deadMinutesAgo = 1) =>
        DeadJobAsync(ProcessSession.Kind, new ProcessSession.Command(practiceId, Guid.NewGuid()), deadMinutesAgo);

    /// <summary>A job queued as the API would, then dead as a worker would leave it after its last failed attempt.</summary>
    private async Task<Guid> DeadJobAsync(string kind, object payload, int deadMinutesAgo = 1)
    {
        var id = (await jobs.EnqueueAsync(kind, [payload])).Single();
        await using var owner = await Sql.OpenAsync(jobs.Api.OwnerConnectionString);
        await owner.ExecuteAsync("""
            UPDATE jobs SET status = 'dead', attempts = max_attempts, dead_reason = 'failed', last_error = 'System.TimeoutException: slow',
                last_error_type = 'System.TimeoutException', completed_at = now() - make_interval(mins => @ago)
            WHERE id = @id
            """, ("id", id), ("ago", deadMinutesAgo));
        return id;
    }
}
