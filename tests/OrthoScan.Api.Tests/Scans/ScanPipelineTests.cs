using System.Net;
using System.Net.Http.Json;
using MetadataExtractor;
using Microsoft.Extensions.DependencyInjection;
using OrthoScan.Api.Features.Scans;
using OrthoScan.Api.Infrastructure.Jobs;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Imaging;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Scans;

[Collection(ApiCollection.Name)]
public sealed class ScanPipelineTests(ApiFactory api)
{
    [Fact]
    public async Task A_scan_sent_by_the_app_is_processed_and_waits_in_the_practice_feed()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner, "Feedwell");

        var session = await api.SendScanAndWaitAsync(app);

        session.Status.ShouldBe(ScanSessionStatus.Ready);
        var images = session.Images;
        images.Count.ShouldBe(5);
        images.ShouldAllBe(i => i.Status == ScanImageStatus.Processed && i.QualityScore != null && i.Urls != null);

        var feed = await (await api.As(owner).GetAsync("/api/v1/dashboard/feed")).ShouldBeAsync<PageDto<ReviewFeedItemDto>>(HttpStatusCode.OK);
        var item = feed.Items.Single();
        item.SessionId.ShouldBe(session.Id);
        item.PatientName.ShouldBe("Pat Feedwell");
        item.Images.ShouldAllBe(i => i.ThumbnailUrl != null);
    }

    [Fact]
    public async Task Photos_sent_with_gps_in_their_exif_are_served_as_jpegs_without_any_metadata()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner);
        var withGps = new ExifWriter(Gps: true);
        var session = await api.SendScanAndWaitAsync(app, view => view == "occlusal_l"
            ? CraftedFiles.PngWithExif(TestImages.Png(TestImages.Teeth(1600, 1200, 90)), withGps.Tiff())
            : withGps.Into(ScanFlow.Photo(80 + Array.IndexOf(ScanFlow.Views, view))));

        session.Status.ShouldBe(ScanSessionStatus.Ready);
        session.Images.Where(i => i.ImageType != ImageType.OcclusalL)
            .ShouldAllBe(i => i.CapturedAt != null, "the capture time is kept from the EXIF");

        foreach (var image in session.Images)
        {
            var urls = image.Urls.ShouldNotBeNull();
            foreach (var (size, url) in new[] { ("thumbnail", urls.Thumbnail), ("display", urls.Display), ("full", urls.Full) })
            {
                var response = await api.CreateClient().GetAsync(url);
                response.StatusCode.ShouldBe(HttpStatusCode.OK);
                response.Content.Headers.ContentType!.MediaType.ShouldBe("image/jpeg");
                var bytes = await response.Content.ReadAsByteArrayAsync();
                var directories = ImageMetadataReader.ReadMetadata(new MemoryStream(bytes));
                directories.ShouldNotContain(d => d.Name.StartsWith("Exif", StringComparison.Ordinal) || d.Name.StartsWith("GPS", StringComparison.Ordinal), $"{size} of {image.ImageType}");
            }
        }
    }

    [Fact]
    public async Task The_same_photo_sent_for_two_views_asks_for_a_retake_of_those_views_and_the_retake_completes_the_scan()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner);
        var same = ScanFlow.Photo(7);
        var session = await api.SendScanAndWaitAsync(app, view => view is "buccal_l" or "buccal_r" ? same : ScanFlow.Photo(20 + Array.IndexOf(ScanFlow.Views, view)));

        session.Status.ShouldBe(ScanSessionStatus.NeedsRetake);
        var retakes = session.Images.Where(i => i.RetakeReasons.Count > 0).ToList();
        retakes.Select(i => i.ImageType).Order().ShouldBe([ImageType.BuccalL, ImageType.BuccalR]);
        retakes.ShouldAllBe(i => i.RetakeReasons.Contains("duplicate_view"));
        (await (await api.As(owner).GetAsync("/api/v1/dashboard/feed")).ShouldBeAsync<PageDto<ReviewFeedItemDto>>(HttpStatusCode.OK)).Items.ShouldBeEmpty();

        var id = session.Id;
        (await api.UploadAsync(app, id, "buccal_l", ScanFlow.Photo(41))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await api.UploadAsync(app, id, "buccal_r", ScanFlow.Photo(42))).StatusCode.ShouldBe(HttpStatusCode.OK);
        await api.SubmitScanAsync(app, id);
        var retaken = await api.WaitUntilProcessedAsync(app.AccessToken, id);
        retaken.Status.ShouldBe(ScanSessionStatus.Ready);
    }

    [Fact]
    public async Task A_file_that_is_not_an_image_is_refused_with_a_reason_the_patient_sees()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner);
        var zip = "PK\u0003\u0004 definitely a zip renamed to .jpg"u8.ToArray();
        var session = await api.SendScanAndWaitAsync(app, view => view == "frontal" ? zip : ScanFlow.Photo(60 + Array.IndexOf(ScanFlow.Views, view)));

        session.Status.ShouldBe(ScanSessionStatus.NeedsRetake);
        var frontal = session.Images.Single(i => i.ImageType == ImageType.Frontal);
        frontal.Status.ShouldBe(ScanImageStatus.Rejected);
        frontal.RetakeReasons.ShouldBe(["not_an_image"]);
        frontal.Urls.ShouldBeNull();
    }

    [Fact]
    public async Task A_photo_too_small_or_too_dark_asks_for_a_retake_of_that_view_naming_the_problem_whatever_its_score()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner);
        using var small = TestImages.Teeth(320, 240, seed: 501);
        using var photo = TestImages.Teeth(1600, 1200, seed: 502);
        using var dark = (photo * (4 / photo.Avg())).Cast(NetVips.Enums.BandFormat.Uchar); // mean brightness 4 of 255
        var session = await api.SendScanAndWaitAsync(app, view => view switch
        {
            "frontal" => TestImages.Jpeg(small),
            "occlusal_u" => TestImages.Jpeg(dark),
            _ => ScanFlow.Photo(510 + Array.IndexOf(ScanFlow.Views, view)),
        });

        session.Status.ShouldBe(ScanSessionStatus.NeedsRetake);
        var images = session.Images.ToDictionary(i => i.ImageType);
        images[ImageType.Frontal].RetakeReasons.ShouldContain("too_small");
        images[ImageType.OcclusalU].RetakeReasons.ShouldContain("underexposed");
        images.Where(i => i.Key is not (ImageType.Frontal or ImageType.OcclusalU)).ShouldAllBe(i => i.Value.RetakeReasons.Count == 0);
        images[ImageType.Frontal].Status.ShouldBe(ScanImageStatus.Processed);
        images[ImageType.Frontal].QualityScore.ShouldNotBeNull().ShouldBeGreaterThanOrEqualTo(50, "a score alone would have let it through");
    }

    [Fact]
    public async Task A_png_whose_text_chunk_inflates_past_the_metadata_limit_asks_for_a_retake_of_that_view()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner);
        using var photo = TestImages.Teeth(1600, 1200, seed: 520);
        var bomb = CraftedFiles.PngWithChunks(TestImages.Png(photo), ("zTXt", CraftedFiles.ZtxtData(CraftedFiles.ZlibOfZeros(64L * 1024 * 1024))));
        var session = await api.SendScanAndWaitAsync(app, view => view == "buccal_r" ? bomb : ScanFlow.Photo(530 + Array.IndexOf(ScanFlow.Views, view)));

        session.Status.ShouldBe(ScanSessionStatus.NeedsRetake);
        var rejected = session.Images.Single(i => i.ImageType == ImageType.BuccalR);
        rejected.Status.ShouldBe(ScanImageStatus.Rejected);
        rejected.RetakeReasons.ShouldBe(["metadata_too_large"]);
    }

    [Fact]
    public async Task Twenty_concurrent_retries_with_one_idempotency_key_make_one_session()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner);
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => api.CreateSessionAsync(app, key)));

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.Created);
        var ids = await Task.WhenAll(responses.Select(async r => (await r.ShouldBeAsync<ScanSessionDto>(HttpStatusCode.Created)).Id));
        ids.Distinct().Count().ShouldBe(1);
        var timeline = await (await api.As(owner).GetAsync($"/api/v1/patients/{app.PatientId}/sessions")).ShouldBeAsync<PageDto<TimelineItemDto>>(HttpStatusCode.OK);
        timeline.Items.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Reusing_an_idempotency_key_for_a_different_scan_is_refused()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner);
        var key = Guid.NewGuid().ToString();
        await (await api.CreateSessionAsync(app, key, alignerNumber: 3)).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.Created);
        await (await api.CreateSessionAsync(app, key, alignerNumber: 4)).ShouldFailAsync(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
    }

    [Fact]
    public async Task A_session_needs_a_plain_key_and_all_five_views()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner);
        await (await api.CreateSessionAsync(app, "", 3)).ShouldFailAsync(HttpStatusCode.BadRequest, "validation");
        // A key is an opaque token: not a path, a quote or a space.
        foreach (var hostile in new[] { "../../raw/other", "' OR '1'='1", "key with spaces" })
            (await (await api.CreateSessionAsync(app, hostile, 3)).ShouldFailAsync(HttpStatusCode.BadRequest, "validation")).Errors!.Keys.ShouldContain("idempotencyKey");
        (await (await api.As(app.AccessToken).GetAsync("/api/v1/me/scans")).ShouldBeAsync<PageDto<ScanSessionDto>>(HttpStatusCode.OK)).Items.ShouldBeEmpty();
        await (await api.CreateSessionAsync(app, "k-" + Guid.NewGuid(), 3, ["frontal", "frontal", "buccal_l", "buccal_r", "occlusal_u"]))
            .ShouldFailAsync(HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task Submitting_before_every_photo_arrived_names_the_missing_views()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner);
        var session = await (await api.CreateSessionAsync(app, Guid.NewGuid().ToString())).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.Created);
        var id = session.Id;
        (await api.UploadAsync(app, id, "frontal", ScanFlow.Photo(1))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var problem = await (await api.As(app.AccessToken).PostAsync($"/api/v1/scans/sessions/{id}/submit", null))
            .ShouldFailAsync(HttpStatusCode.UnprocessableEntity, "photos-missing");
        problem.Errors.ShouldNotBeNull()["views"].Order(StringComparer.Ordinal).ShouldBe(["buccal_l", "buccal_r", "occlusal_l", "occlusal_u"]);
    }

    [Theory]
    [InlineData("image/gif", 1000)]
    [InlineData("application/zip", 1000)]
    [InlineData("image/jpeg", 26 * 1024 * 1024)]
    [InlineData("image/jpeg", 0)]
    public async Task Upload_urls_are_only_for_jpeg_or_png_photos_up_to_25_mb(string contentType, long length)
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner);
        var session = await (await api.CreateSessionAsync(app, Guid.NewGuid().ToString())).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.Created);
        await (await api.As(app.AccessToken).PostAsJsonAsync("/api/v1/scans/upload-url",
            new { sessionId = session.Id, imageType = "frontal", contentType, contentLength = length }))
            .ShouldFailAsync(HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task Another_patients_or_another_practices_sessions_answer_404()
    {
        var owner = await api.RegisterPracticeAsync();
        var alice = await api.PatientAppAsync(owner, "Alice");
        var bob = await api.PatientAppAsync(owner, "Bob");
        var otherOwner = await api.RegisterPracticeAsync();
        var session = await (await api.CreateSessionAsync(alice, Guid.NewGuid().ToString())).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.Created);
        var id = session.Id;

        await (await api.As(bob.AccessToken).GetAsync($"/api/v1/scans/sessions/{id}")).ShouldFailAsync(HttpStatusCode.NotFound);
        await (await api.As(bob.AccessToken).PostAsync($"/api/v1/scans/sessions/{id}/submit", null)).ShouldFailAsync(HttpStatusCode.NotFound);
        await (await api.As(bob.AccessToken).PostAsJsonAsync("/api/v1/scans/upload-url",
            new { sessionId = id, imageType = "frontal", contentType = "image/jpeg", contentLength = 1000 })).ShouldFailAsync(HttpStatusCode.NotFound);
        await (await api.As(otherOwner).GetAsync($"/api/v1/scans/sessions/{id}")).ShouldFailAsync(HttpStatusCode.NotFound);
        await (await api.As(otherOwner).GetAsync($"/api/v1/patients/{alice.PatientId}/sessions")).ShouldFailAsync(HttpStatusCode.NotFound);
        (await (await api.As(owner).GetAsync($"/api/v1/scans/sessions/{id}")).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.OK)).PatientId
            .ShouldBe(alice.PatientId);
    }

    [Fact]
    public async Task A_processing_job_delivered_again_after_success_changes_nothing()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner);
        var session = await api.SendScanAndWaitAsync(app);
        var id = session.Id;

        // At-least-once delivery: the worker may run a job again after it succeeded (e.g. it died before marking it done).
        await api.Services.GetRequiredService<JobCatalog>().RunNowAsync(api.Services, new ProcessSession.Command(owner.PracticeId, id), default);

        var after = await (await api.As(owner).GetAsync($"/api/v1/scans/sessions/{id}")).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.OK);
        after.Status.ShouldBe(ScanSessionStatus.Ready);
        after.ProcessedAt.ShouldNotBeNull().ShouldBe(session.ProcessedAt.ShouldNotBeNull());
        var audit = await (await api.As(owner).GetAsync($"/api/v1/audit?resourceId={id}")).ShouldBeAsync<PageDto<AuditEntryDto>>(HttpStatusCode.OK);
        audit.Items.Count(e => e.Action == "Scans.ProcessSession").ShouldBe(1);
        var feed = await (await api.As(owner).GetAsync("/api/v1/dashboard/feed")).ShouldBeAsync<PageDto<ReviewFeedItemDto>>(HttpStatusCode.OK);
        feed.Items.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_scan_whose_processing_finally_fails_asks_the_patient_again_instead_of_hanging()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner);
        var session = await (await api.CreateSessionAsync(app, Guid.NewGuid().ToString())).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.Created);
        var id = session.Id;
        // As if submitted and its job failed every attempt (no job is queued here, so no worker interferes).
        await using (var ownerDb = await Sql.OpenAsync(api.OwnerConnectionString, owner.PracticeId))
        {
            await ownerDb.ExecuteAsync("UPDATE scan_sessions SET status = 'processing', submitted_at = now() WHERE id = @id", ("id", id));
            await ownerDb.ExecuteAsync("UPDATE scan_images SET status = 'uploaded' WHERE session_id = @id", ("id", id));
        }

        using (var scope = api.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<ProcessSession.Settlement>().GiveUpAsync(new ProcessSession.Command(owner.PracticeId, id), default);

        var after = await (await api.As(app.AccessToken).GetAsync($"/api/v1/scans/sessions/{id}")).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.OK);
        after.Status.ShouldBe(ScanSessionStatus.NeedsRetake);
        after.Images.ShouldAllBe(i => i.RetakeReasons.Single() == "processing_failed");
    }

    [Fact]
    public async Task A_scan_shows_the_patients_previous_scan_view_by_view_for_comparison()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner);
        var first = await api.SendScanAndWaitAsync(app);
        var second = await api.SendScanAndWaitAsync(app, view => ScanFlow.Photo(300 + Array.IndexOf(ScanFlow.Views, view)));

        var seen = await (await api.As(owner).GetAsync($"/api/v1/scans/sessions/{second.Id}")).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.OK);
        var previous = seen.Previous.ShouldNotBeNull();
        previous.Id.ShouldBe(first.Id);
        previous.Images.Select(i => ContractJson.Wire(i.ImageType)).ShouldBe(ScanFlow.Views, ignoreOrder: true);
        previous.Images.ShouldAllBe(i => i.Urls != null && i.Urls.Display != null);

        var firstSeen = await (await api.As(owner).GetAsync($"/api/v1/scans/sessions/{first.Id}")).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.OK);
        firstSeen.Previous.ShouldBeNull();
    }
}
