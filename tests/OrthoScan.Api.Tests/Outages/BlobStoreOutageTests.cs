using System.Diagnostics.CodeAnalysis;
using System.Net;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Scans;
using OrthoScan.Api.Tests.Storage;
using Shouldly;

namespace OrthoScan.Api.Tests.Outages;

/// <summary>
/// The API on the S3 store (s3rver on loopback, behind a relay the test cuts): submitting a scan asks the store whether
/// each photo arrived, so while the store is unreachable it answers 503 with Retry-After, never 500; readiness names
/// the store; and it recovers by itself.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync.")]
public sealed class BlobStoreOutageTests : IAsyncLifetime
{
    private readonly S3rverFixture _s3 = new();
    private readonly ApiFactory _api = new();
    private LoopbackRelay? _relay;

    public async Task InitializeAsync()
    {
        await _s3.InitializeAsync();
        _relay = new LoopbackRelay(new Uri(_s3.ServiceUrl).Port);
        _relay.Start();
        // The SDK's default credential chain reads these; s3rver knows one account, S3RVER / S3RVER.
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "S3RVER");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "S3RVER");
        _api.Settings["OrthoScan:Storage:Provider"] = "s3";
        _api.Settings["OrthoScan:Storage:ServiceUrl"] = $"http://127.0.0.1:{_relay.Port}";
        _api.Settings["OrthoScan:Storage:Bucket"] = S3rverFixture.Bucket;
        _api.Settings["OrthoScan:Storage:KmsKeyId"] = "alias/orthoscan-test";
        _api.Settings["OrthoScan:Storage:Region"] = "eu-west-1";
        await _api.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        if (_relay is not null) await _relay.DisposeAsync();
        await _s3.DisposeAsync();
    }

    [Fact]
    public async Task While_the_blob_store_is_unreachable_submitting_answers_503_and_recovers_by_itself()
    {
        var owner = await _api.RegisterPracticeAsync();
        var app = await _api.PatientAppAsync(owner, "Stored");
        var sessionId = (await (await _api.CreateSessionAsync(app, Guid.NewGuid().ToString())).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.Created)).Id;
        // Asking for an upload link names the object the submit will look for; the photo itself never arrives.
        await (await _api.As(app.AccessToken).PostAsync("/api/v1/scans/upload-url", System.Net.Http.Json.JsonContent.Create(new
        {
            sessionId, imageType = "frontal", contentType = "image/jpeg", contentLength = 1000,
        }))).ShouldBeAsync<UploadGrantDto>(HttpStatusCode.OK);

        await _relay!.CutAsync();

        await (await Submit(app, sessionId)).ShouldBeUnavailableAsync();
        await _api.ReadinessShouldReportDownAsync("storage");

        _relay.Start();

        var answered = await OutageAssertions.EventuallyAsync(() => Submit(app, sessionId), HttpStatusCode.UnprocessableEntity, TimeSpan.FromSeconds(15));
        await answered.ShouldFailAsync(HttpStatusCode.UnprocessableEntity, "photos-missing");
        (await _api.CreateClient().GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private Task<HttpResponseMessage> Submit(PatientApp app, Guid sessionId) =>
        _api.As(app.AccessToken).PostAsync($"/api/v1/scans/sessions/{sessionId}/submit", null);
}
