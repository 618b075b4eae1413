using System.Net;
using System.Net.Http.Json;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Scans;
using Shouldly;

namespace OrthoScan.Api.Tests.Isolation;

[Collection(ApiCollection.Name)]
public sealed class ScanImageIsolationTests(ApiFactory api)
{
    [Fact]
    public async Task Another_practice_can_neither_see_nor_upload_nor_change_a_practices_photos()
    {
        var ours = await api.RegisterPracticeAsync("Photo Practice Ours");
        var theirs = await api.RegisterPracticeAsync("Photo Practice Theirs");
        var ourApp = await api.PatientAppAsync(ours, "Photogenic");
        var theirApp = await api.PatientAppAsync(theirs, "Snooper");
        var session = await (await api.CreateSessionAsync(ourApp, Guid.NewGuid().ToString())).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.Created);
        var sessionId = session.Id;
        await using var asOurs = await Sql.OpenAsync(api.AppConnectionString, ours.PracticeId);
        const string Photos = "SELECT image_type || ' ' || status FROM scan_images WHERE session_id = '{0}' ORDER BY image_type";
        var before = await asOurs.ColumnAsync(string.Format(null, Photos, sessionId));
        before.Count.ShouldBe(5);

        await (await api.As(theirApp.AccessToken).PostAsJsonAsync("/api/v1/scans/upload-url",
            new { sessionId, imageType = "frontal", contentType = "image/jpeg", contentLength = 1000 })).ShouldFailAsync(HttpStatusCode.NotFound);
        await (await api.As(theirs).GetAsync($"/api/v1/scans/sessions/{sessionId}")).ShouldFailAsync(HttpStatusCode.NotFound);

        await using var asTheirs = await Sql.OpenAsync(api.AppConnectionString, theirs.PracticeId);
        (await asTheirs.ScalarAsync<long>("SELECT count(*) FROM scan_images WHERE session_id = @s", ("s", sessionId))).ShouldBe(0);
        (await asTheirs.ExecuteAsync("UPDATE scan_images SET status = 'processed', upload_key = NULL WHERE session_id = @s", ("s", sessionId))).ShouldBe(0);
        (await asTheirs.ExecuteAsync("DELETE FROM scan_images WHERE session_id = @s", ("s", sessionId))).ShouldBe(0);

        (await asOurs.ColumnAsync(string.Format(null, Photos, sessionId))).ShouldBe(before);
    }
}
