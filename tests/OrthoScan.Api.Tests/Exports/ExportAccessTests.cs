using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrthoScan.Api.Features.Exports;
using OrthoScan.Api.Infrastructure.Storage;
using OrthoScan.Api.Tests.Analytics;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.PlatformUsers;
using Shouldly;

namespace OrthoScan.Api.Tests.Exports;

/// <summary>Who may export, how the download link is bound and expires, idempotent starts, bad input, and a job that dies.</summary>
[Collection(ExportCollection.Name)]
public sealed class ExportAccessTests(ApiFactory api)
{
    [Fact]
    public async Task Only_a_platform_admin_may_start_read_or_list_exports_other_roles_get_403_and_anonymous_401()
    {
        var world = await ExportWorld.OfAsync(api);
        var export = await world.ExportAsync(api, new { includeImages = false });
        var doctor = await api.AddMemberAsync(world.SharingOwner, "staff");
        var finance = await api.CreatePlatformUserAsync("finance");

        foreach (var (who, token) in new[] { ("owner", world.SharingOwner.AccessToken), ("staff", doctor.AccessToken), ("finance", finance.AccessToken) })
        {
            var client = api.As(token);
            (await client.PostAsJsonAsync("/api/v1/tags/export", new { })).StatusCode.ShouldBe(HttpStatusCode.Forbidden, who);
            (await client.GetAsync($"/api/v1/tags/export/{export.Id}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden, who);
            (await client.GetAsync("/api/v1/tags/export")).StatusCode.ShouldBe(HttpStatusCode.Forbidden, who);
        }
        var anonymous = api.CreateClient();
        await (await anonymous.PostAsJsonAsync("/api/v1/tags/export", new { })).ShouldFailAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.GetAsync($"/api/v1/tags/export/{export.Id}")).ShouldFailAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.GetAsync("/api/v1/tags/export")).ShouldFailAsync(HttpStatusCode.Unauthorized);

        var listed = await (await api.As(world.Admin).GetAsync("/api/v1/tags/export?limit=200")).ShouldBeAsync<PageDto<ExportViewDto>>(HttpStatusCode.OK);
        listed.Items.ShouldContain(e => e.Id == export.Id && e.DownloadUrl != null);
        await (await api.As(world.Admin).GetAsync($"/api/v1/tags/export/{Guid.CreateVersion7()}")).ShouldFailAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_download_link_lives_five_minutes_opens_only_its_export_and_every_start_and_download_is_audited()
    {
        var world = await ExportWorld.OfAsync(api);
        var export = await world.ExportAsync(api, new { includeImages = false });
        (export.DownloadExpiresAt!.Value - DateTime.UtcNow).ShouldBeInRange(TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
        var again = await (await api.As(world.Admin).GetAsync($"/api/v1/tags/export/{export.Id}")).ShouldBeAsync<ExportViewDto>(HttpStatusCode.OK);
        again.DownloadUrl.ShouldNotBe(export.DownloadUrl, "each read mints a fresh link");
        await ExportWorld.DownloadAsync(api, again);

        var signer = api.Services.GetRequiredService<BlobUrlSigner>();
        var key = $"{RunTagExport.BlobPrefix}/{export.Id:N}.zip";
        var client = api.CreateClient();
        var expired = DownloadTagExport.Url(signer, key, null, DateTime.UtcNow.AddSeconds(-1));
        await (await client.GetAsync(expired)).ShouldFailAsync(HttpStatusCode.Forbidden, "blob-url-rejected");
        // A photo link (the blob store's GET) for the same key does not open the dataset, nor a dataset link the blob route.
        var photoToken = signer.CreateToken(BlobUrlSigner.Get, key, null, null, DateTimeOffset.UtcNow.AddMinutes(1));
        await (await client.GetAsync($"{DownloadTagExport.RoutePrefix}/{photoToken}")).ShouldFailAsync(HttpStatusCode.Forbidden, "blob-url-rejected");
        var datasetToken = again.DownloadUrl!.Split('/').Last();
        await (await client.GetAsync($"{EncryptedFileBlobStore.RoutePrefix}/{datasetToken}")).ShouldFailAsync(HttpStatusCode.Forbidden, "blob-url-rejected");

        var adminId = AnalyticsData.UserId(world.Admin);
        await using var sql = await Sql.OpenAsync(api.OwnerConnectionString);
        (await sql.ColumnAsync($"""
            SELECT action || ' ' || actor_role || ' ' || coalesce(actor_user_id::text, '-') FROM platform_audit_log
            WHERE resource_type = 'tag_export' AND resource_id = '{export.Id}' AND action <> 'Exports.GetTagExport' ORDER BY seq
            """)).ShouldBe([
                $"Exports.StartTagExport platform_admin {adminId}",
                $"Exports.DownloadTagExport platform_admin {adminId}",
            ], customMessage: "the start and the one download, with the admin; refused links leave nothing");
    }

    [Fact]
    public async Task A_retried_start_with_the_same_Idempotency_Key_answers_the_first_export_and_another_body_answers_422()
    {
        var world = await ExportWorld.OfAsync(api);
        var key = Guid.NewGuid().ToString();
        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => StartAsync(world, new { includeImages = false, k = 6 }, key)));
        var exports = new List<ExportViewDto>();
        foreach (var response in responses) exports.Add(await response.ShouldBeAsync<ExportViewDto>(HttpStatusCode.Created));
        exports.Select(e => e.Id).Distinct().Count().ShouldBe(1, "concurrent retries answer one export");
        exports[0].K.ShouldBe(6);
        await (await StartAsync(world, new { includeImages = false, k = 7 }, key)).ShouldFailAsync(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        (await world.WaitAsync(api, exports[0].Id)).Status.ShouldBe(ExportStatus.Completed);
    }

    [Theory]
    [InlineData("../../exports/other")]
    [InlineData("' OR '1'='1")]
    [InlineData("key with spaces")]
    public async Task An_Idempotency_Key_that_is_not_a_plain_token_is_a_400_and_starts_nothing(string key)
    {
        var world = await ExportWorld.OfAsync(api);
        var before = await (await api.As(world.Admin).GetAsync("/api/v1/tags/export?limit=200")).ShouldBeAsync<PageDto<ExportViewDto>>(HttpStatusCode.OK);

        var problem = await (await StartAsync(world, new { includeImages = false }, key)).ShouldFailAsync(HttpStatusCode.BadRequest, "validation");

        problem.Errors!.Keys.ShouldContain("idempotencyKey");
        var after = await (await api.As(world.Admin).GetAsync("/api/v1/tags/export?limit=200")).ShouldBeAsync<PageDto<ExportViewDto>>(HttpStatusCode.OK);
        after.Items.Count.ShouldBe(before.Items.Count);
    }

    [Theory]
    [InlineData("""{"k": 4}""", "k")]
    [InlineData("""{"k": 51}""", "k")]
    [InlineData("""{"seed": -1}""", "seed")]
    [InlineData("""{"includeImages": false, "includeFrontal": true}""", "includeFrontal")]
    public async Task Bad_options_answer_400_naming_the_field(string body, string field)
    {
        var world = await ExportWorld.OfAsync(api);
        var response = await api.As(world.Admin).PostAsync("/api/v1/tags/export", new StringContent(body, MediaTypeHeaderValue.Parse("application/json")));
        var problem = await response.ShouldFailAsync(HttpStatusCode.BadRequest);
        problem.Errors.ShouldNotBeNull().Keys.ShouldContain(k => k.Equals(field, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task An_export_whose_job_dies_is_failed_with_a_reason_the_admin_can_read()
    {
        var world = await ExportWorld.OfAsync(api);
        var id = Guid.CreateVersion7();
        await using (var sql = await Sql.OpenAsync(api.OwnerConnectionString))
        {
            await sql.ExecuteAsync("""
                INSERT INTO tag_exports (id, requested_by, include_images, include_frontal, seed, k, status, tag_sets_written, images_written, created_at, started_at)
                VALUES (@id, @admin, false, false, 1, 5, 'running', 0, 0, now(), now())
                """, ("id", id), ("admin", AnalyticsData.UserId(world.Admin)));
            // Its worker died on the last attempt: the lease ran out, so the next claim dead-letters it.
            await sql.ExecuteAsync("""
                INSERT INTO jobs (id, kind, payload, status, attempts, max_attempts, run_after, locked_by, locked_until, created_at)
                VALUES (@job, @kind, @payload::jsonb, 'running', 1, 1, now(), 'gone-worker', now() - interval '1 second', now())
                """, ("job", Guid.CreateVersion7()), ("kind", RunTagExport.Kind), ("payload", JsonSerializer.Serialize(new { exportId = id })));
        }

        var failed = await world.WaitAsync(api, id);

        failed.Status.ShouldBe(ExportStatus.Failed);
        failed.Error.ShouldNotBeNull().ShouldContain("stopped while it ran");
        failed.DownloadUrl.ShouldBeNull();
        failed.CompletedAt.ShouldNotBeNull();
    }

    private Task<HttpResponseMessage> StartAsync(ExportWorld world, object body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tags/export") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", world.Admin.AccessToken);
        request.Headers.Add("Idempotency-Key", key);
        return api.CreateClient().SendAsync(request);
    }
}
