using System.Net;
using OrthoScan.Api.Features.Scans;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Scans;
using Shouldly;

namespace OrthoScan.Api.Tests.Jobs;

/// <summary>Scans driven through the real endpoints of the jobs fixture's API host, which enqueues but runs no job.</summary>
public static class ScanJobs
{
    // Generated once: five distinct photos, reused by every scan of these tests (duplicates are only looked for within a scan).
    private static readonly Lazy<Dictionary<string, byte[]>> Photos =
        new(() => ScanFlow.Views.Select((view, i) => (view, ScanFlow.Photo(500 + i))).ToDictionary(p => p.view, p => p.Item2));

    /// <summary>A scan declared, its five photos uploaded and submitted: processing, with its job queued.</summary>
    public static async Task<(PatientApp App, Guid SessionId, Guid JobId)> SubmittedScanAsync(this JobsFixture jobs, Session owner)
    {
        var (app, sessionId) = await jobs.UploadedScanAsync(owner, ScanFlow.Views);
        await jobs.Api.SubmitScanAsync(app, sessionId);
        return (app, sessionId, await jobs.ProcessingJobOfAsync(sessionId));
    }

    /// <summary>A scan declared with the given views uploaded, never submitted.</summary>
    public static async Task<(PatientApp App, Guid SessionId)> UploadedScanAsync(this JobsFixture jobs, Session owner, IEnumerable<string> views)
    {
        var app = await jobs.Api.PatientAppAsync(owner);
        var session = await (await jobs.Api.CreateSessionAsync(app, Guid.NewGuid().ToString())).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.Created);
        foreach (var view in views)
            (await jobs.Api.UploadAsync(app, session.Id, view, Photos.Value[view])).StatusCode.ShouldBe(HttpStatusCode.OK);
        return (app, session.Id);
    }

    /// <summary>The owner's page of dead jobs (GET /admin/jobs/dead).</summary>
    public static async Task<PageDto<DeadJobDto>> DeadJobsAsync(this JobsFixture jobs, Session owner, string query = "") =>
        await (await jobs.Api.As(owner).GetAsync("/api/v1/admin/jobs/dead" + query)).ShouldBeAsync<PageDto<DeadJobDto>>(HttpStatusCode.OK);

    public static async Task<Guid> ProcessingJobOfAsync(this JobsFixture jobs, Guid sessionId)
    {
        await using var owner = await Sql.OpenAsync(jobs.Api.OwnerConnectionString);
        return await owner.ScalarAsync<Guid>(
            "SELECT id FROM jobs WHERE kind = @kind AND payload->>'sessionId' = @session ORDER BY created_at DESC LIMIT 1",
            ("kind", ProcessSession.Kind), ("session", sessionId.ToString()));
    }
}
