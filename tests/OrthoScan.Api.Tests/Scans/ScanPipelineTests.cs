using System.Net;
using System.Net.Http.Json;
using MetadataExtractor;
using Microsoft.Extensions.DependencyInjection;
using OrthoScan.Api.Features.Scans;
using OrthoScan.Api.Infrastructure.Jobs;
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

        var session = await api.SendScanAsync(app);

        session["status"]!.GetValue<string>().ShouldBe("ready");
        var images = session["images"]!.AsArray();
        images.Count.ShouldBe(5);
        images.ShouldAllBe(i => i!["status"]!.GetValue<string>() == "processed" && i["qualityScore"] != null && i["urls"] != null);

        var feed = await (await api.As(owner).GetAsync("/api/v1/dashboard/feed")).ShouldBeAsync(HttpStatusCode.OK);
        var item = feed["items"]!.AsArray().Single();
        item!["sessionId"]!.GetValue<string>().ShouldBe(session["id"]!.GetValue<string>());
        item["patientName"]!.GetValue<string>().ShouldBe("Pat Feedwell");
        item["images"]!.AsArray().ShouldAllBe(i => i!["thumbnailUrl"] != null);
    }

    [Fact]
    public async Task Photos_sent_with_gps_in_their_exif_are_served_as_jpegs_without_any_metadata()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner);
        var withGps = new ExifWriter(Gps: true);
        var session = await api.SendScanAsync(app, view => view == "occlusal_l"
            ? CraftedFiles.PngWithExif(TestImages.Png(TestImages.Teeth(1600, 1200, 90)), withGps.Tiff())
            : withGps.Into(ScanFlow.Photo(80 + Array.IndexOf(ScanFlow.Views, view))));

        session["status"]!.GetValue<string>().ShouldBe("ready");
        session["images"]!.AsArray().Where(i => i!["imageType"]!.GetValue<string>() != "occlusal_l")
            .ShouldAllBe(i => i!["capturedAt"] != null, "the capture time is kept from the EXIF");

        foreach (var image in session["images"]!.AsArray())
        {
            foreach (var size in new[] { "thumbnail", "display", "full" })
            {
                var url = image!["urls"]![size]!.GetValue<string>();
                var response = await api.CreateClient().GetAsync(url);
                response.StatusCode.ShouldBe(HttpStatusCode.OK);
                response.Content.Headers.ContentType!.MediaType.ShouldBe("image/jpeg");
                var bytes = await response.Content.ReadAsByteArrayAsync();
                var directories = ImageMetadataReader.ReadMetadata(new MemoryStream(bytes));
                directories.ShouldNotContain(d => d.Name.StartsWith("Exif", StringComparison.Ordinal) || d.Name.StartsWith("GPS", StringComparison.Ordinal), $"{size} of {image["imageType"]}");
            }
        }
    }

    [Fact]
    public async Task The_same_photo_sent_for_two_views_asks_for_a_retake_of_those_views_and_the_retake_completes_the_scan()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner);
        var same = ScanFlow.Photo(7);
        var session = await api.SendScanAsync(app, view => view is "buccal_l" or "buccal_r" ? same : ScanFlow.Photo(20 + Array.IndexOf(ScanFlow.Views, view)));

        session["status"]!.GetValue<string>().ShouldBe("needs_retake");
        var retakes = session["images"]!.AsArray().Where(i => i!["retakeReasons"]!.AsArray().Count > 0).ToList();
        retakes.Select(i => i!["imageType"]!.GetValue<string>()).Order().ShouldBe(["buccal_l", "buccal_r"]);
        retakes.ShouldAllBe(i => i!["retakeReasons"]!.AsArray().Any(r => r!.GetValue<string>() == "duplicate_view"));
        (await (await api.As(owner).GetAsync("/api/v1/dashboard/feed")).ShouldBeAsync(HttpStatusCode.OK))["items"]!.AsArray().ShouldBeEmpty();

        var id = session["id"]!.GetValue<string>();
        (await api.UploadAsync(app, id, "buccal_l", ScanFlow.Photo(41))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await api.UploadAsync(app, id, "buccal_r", ScanFlow.Photo(42))).StatusCode.ShouldBe(HttpStatusCode.OK);
        await api.SubmitAsync(app, id);
        var retaken = await api.WaitForProcessedAsync(app.AccessToken, id);
        retaken["status"]!.GetValue<string>().ShouldBe("ready");
    }

    [Fact]
    public async Task A_file_that_is_not_an_image_is_refused_with_a_reason_the_patient_sees()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner);
        var zip = "PK\u0003\u0004 definitely a zip renamed to .jpg"u8.ToArray();
        var session = await api.SendScanAsync(app, view => view == "frontal" ? zip : ScanFlow.Photo(60 + Array.IndexOf(ScanFlow.Views, view)));

        session["status"]!.GetValue<string>().ShouldBe("needs_retake");
        var frontal = session["images"]!.AsArray().Single(i => i!["imageType"]!.GetValue<string>() == "frontal")!;
        frontal["status"]!.GetValue<string>().ShouldBe("rejected");
        frontal["retakeReasons"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldBe(["not_an_image"]);
        frontal["urls"].ShouldBeNull();
    }

    [Fact]
    public async Task A_photo_too_small_or_too_dark_asks_for_a_retake_of_that_view_naming_the_problem_whatever_its_score()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner);
        using var small = TestImages.Teeth(320, 240, seed: 501);
        using var photo = TestImages.Teeth(1600, 1200, seed: 502);
        using var dark = (photo * (4 / photo.Avg())).Cast(NetVips.Enums.BandFormat.Uchar); // mean brightness 4 of 255
        var session = await api.SendScanAsync(app, view => view switch
        {
            "frontal" => TestImages.Jpeg(small),
            "occlusal_u" => TestImages.Jpeg(dark),
            _ => ScanFlow.Photo(510 + Array.IndexOf(ScanFlow.Views, view)),
        });

        session["status"]!.GetValue<string>().ShouldBe("needs_retake");
        var images = session["images"]!.AsArray().ToDictionary(i => i!["imageType"]!.GetValue<string>(), i => i!);
        string[] Retake(string view) => [.. images[view]["retakeReasons"]!.AsArray().Select(r => r!.GetValue<string>())];
        Retake("frontal").ShouldContain("too_small");
        Retake("occlusal_u").ShouldContain("underexposed");
        images.Where(i => i.Key is not ("frontal" or "occlusal_u")).ShouldAllBe(i => i.Value["retakeReasons"]!.AsArray().Count == 0);
        images["frontal"]["status"]!.GetValue<string>().ShouldBe("processed");
        images["frontal"]["qualityScore"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(50, "a score alone would have let it through");
    }

    [Fact]
    public async Task A_png_whose_text_chunk_inflates_past_the_metadata_limit_asks_for_a_retake_of_that_view()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner);
        using var photo = TestImages.Teeth(1600, 1200, seed: 520);
        var bomb = CraftedFiles.PngWithChunks(TestImages.Png(photo), ("zTXt", CraftedFiles.ZtxtData(CraftedFiles.ZlibOfZeros(64L * 1024 * 1024))));
        var session = await api.SendScanAsync(app, view => view == "buccal_r" ? bomb : ScanFlow.Photo(530 + Array.IndexOf(ScanFlow.Views, view)));

        session["status"]!.GetValue<string>().ShouldBe("needs_retake");
        var rejected = session["images"]!.AsArray().Single(i => i!["imageType"]!.GetValue<string>() == "buccal_r")!;
        rejected["status"]!.GetValue<string>().ShouldBe("rejected");
        rejected["retakeReasons"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldBe(["metadata_too_large"]);
    }

    [Fact]
    public async Task Twenty_concurrent_retries_with_one_idempotency_key_make_one_session()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner);
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => api.CreateSessionAsync(app, key)));

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.Created);
        var ids = await Task.WhenAll(responses.Select(async r => (await r.ReadJsonAsync())["id"]!.GetValue<string>()));
        ids.Distinct().Count().ShouldBe(1);
        var timeline = await (await api.As(owner).GetAsync($"/api/v1/patients/{app.PatientId}/sessions")).ShouldBeAsync(HttpStatusCode.OK);
        timeline["items"]!.AsArray().Count.ShouldBe(1);
    }

    [Fact]
    public async Task Reusing_an_idempotency_key_for_a_different_scan_is_refused()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner);
        var key = Guid.NewGuid().ToString();
        await (await api.CreateSessionAsync(app, key, alignerNumber: 3)).ShouldBeAsync(HttpStatusCode.Created);
        await (await api.CreateSessionAsync(app, key, alignerNumber: 4)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
    }

    [Fact]
    public async Task A_session_needs_its_key_and_all_five_views()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner);
        await (await api.CreateSessionAsync(app, "", 3)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        await (await api.CreateSessionAsync(app, "k-" + Guid.NewGuid(), 3, ["frontal", "frontal", "buccal_l", "buccal_r", "occlusal_u"]))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task Submitting_before_every_photo_arrived_names_the_missing_views()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner);
        var session = await (await api.CreateSessionAsync(app, Guid.NewGuid().ToString())).ShouldBeAsync(HttpStatusCode.Created);
        var id = session["id"]!.GetValue<string>();
        (await api.UploadAsync(app, id, "frontal", ScanFlow.Photo(1))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var problem = await (await api.As(app.AccessToken).PostAsync($"/api/v1/scans/sessions/{id}/submit", null))
            .ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "photos-missing");
        problem["errors"]!["views"]!.AsArray().Select(v => v!.GetValue<string>()).Order().ShouldBe(["buccal_l", "buccal_r", "occlusal_l", "occlusal_u"]);
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
        var session = await (await api.CreateSessionAsync(app, Guid.NewGuid().ToString())).ShouldBeAsync(HttpStatusCode.Created);
        await (await api.As(app.AccessToken).PostAsJsonAsync("/api/v1/scans/upload-url",
            new { sessionId = session["id"]!.GetValue<string>(), imageType = "frontal", contentType, contentLength = length }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task Another_patients_or_another_practices_sessions_answer_404()
    {
        var owner = await api.RegisterPracticeAsync();
        var alice = await api.PatientAppAsync(owner, "Alice");
        var bob = await api.PatientAppAsync(owner, "Bob");
        var otherOwner = await api.RegisterPracticeAsync();
        var session = await (await api.CreateSessionAsync(alice, Guid.NewGuid().ToString())).ShouldBeAsync(HttpStatusCode.Created);
        var id = session["id"]!.GetValue<string>();

        await (await api.As(bob.AccessToken).GetAsync($"/api/v1/scans/sessions/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await api.As(bob.AccessToken).PostAsync($"/api/v1/scans/sessions/{id}/submit", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await api.As(bob.AccessToken).PostAsJsonAsync("/api/v1/scans/upload-url",
            new { sessionId = id, imageType = "frontal", contentType = "image/jpeg", contentLength = 1000 })).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await api.As(otherOwner).GetAsync($"/api/v1/scans/sessions/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await api.As(otherOwner).GetAsync($"/api/v1/patients/{alice.PatientId}/sessions")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        (await (await api.As(owner).GetAsync($"/api/v1/scans/sessions/{id}")).ShouldBeAsync(HttpStatusCode.OK))["patientId"]!
            .GetValue<string>().ShouldBe(alice.PatientId.ToString());
    }

    [Fact]
    public async Task A_processing_job_delivered_again_after_success_changes_nothing()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner);
        var session = await api.SendScanAsync(app);
        var id = Guid.Parse(session["id"]!.GetValue<string>());

        // At-least-once delivery: the worker may run a job again after it succeeded (e.g. it died before marking it done).
        await api.Services.GetRequiredService<JobCatalog>().RunNowAsync(api.Services, new ProcessSession.Command(owner.PracticeId, id), default);

        var after = await (await api.As(owner).GetAsync($"/api/v1/scans/sessions/{id}")).ShouldBeAsync(HttpStatusCode.OK);
        after["status"]!.GetValue<string>().ShouldBe("ready");
        after["processedAt"]!.GetValue<string>().ShouldBe(session["processedAt"]!.GetValue<string>());
        var audit = await (await api.As(owner).GetAsync($"/api/v1/audit?resourceId={id}")).ShouldBeAsync(HttpStatusCode.OK);
        audit["items"]!.AsArray().Count(e => e!["action"]!.GetValue<string>() == "Scans.ProcessSession").ShouldBe(1);
        var feed = await (await api.As(owner).GetAsync("/api/v1/dashboard/feed")).ShouldBeAsync(HttpStatusCode.OK);
        feed["items"]!.AsArray().Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_scan_whose_processing_finally_fails_asks_the_patient_again_instead_of_hanging()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner);
        var session = await (await api.CreateSessionAsync(app, Guid.NewGuid().ToString())).ShouldBeAsync(HttpStatusCode.Created);
        var id = Guid.Parse(session["id"]!.GetValue<string>());
        // As if submitted and its job failed every attempt (no job is queued here, so no worker interferes).
        await using (var ownerDb = await Sql.OpenAsync(api.OwnerConnectionString, owner.PracticeId))
        {
            await ownerDb.ExecuteAsync("UPDATE scan_sessions SET status = 'processing', submitted_at = now() WHERE id = @id", ("id", id));
            await ownerDb.ExecuteAsync("UPDATE scan_images SET status = 'uploaded' WHERE session_id = @id", ("id", id));
        }

        using (var scope = api.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<ProcessSession.Settlement>().GiveUpAsync(new ProcessSession.Command(owner.PracticeId, id), default);

        var after = await (await api.As(app.AccessToken).GetAsync($"/api/v1/scans/sessions/{id}")).ShouldBeAsync(HttpStatusCode.OK);
        after["status"]!.GetValue<string>().ShouldBe("needs_retake");
        after["images"]!.AsArray().ShouldAllBe(i => i!["retakeReasons"]!.AsArray().Single()!.GetValue<string>() == "processing_failed");
    }

    [Fact]
    public async Task A_scan_shows_the_patients_previous_scan_view_by_view_for_comparison()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner);
        var first = await api.SendScanAsync(app);
        var second = await api.SendScanAsync(app, view => ScanFlow.Photo(300 + Array.IndexOf(ScanFlow.Views, view)));

        var seen = await (await api.As(owner).GetAsync($"/api/v1/scans/sessions/{second["id"]}")).ShouldBeAsync(HttpStatusCode.OK);
        var previous = seen["previous"]!;
        previous["id"]!.GetValue<string>().ShouldBe(first["id"]!.GetValue<string>());
        previous["images"]!.AsArray().Select(i => i!["imageType"]!.GetValue<string>()).ShouldBe(ScanFlow.Views, ignoreOrder: true);
        previous["images"]!.AsArray().ShouldAllBe(i => i!["urls"]!["display"] != null);

        var firstSeen = await (await api.As(owner).GetAsync($"/api/v1/scans/sessions/{first["id"]}")).ShouldBeAsync(HttpStatusCode.OK);
        firstSeen["previous"].ShouldBeNull();
    }
}
