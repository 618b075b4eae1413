using System.Net;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Scans;
using Shouldly;

namespace OrthoScan.Api.Tests.PlatformUsers;

/// <summary>The platform admin's practice list: every practice's numbers, read through the platform read path, and nothing of a patient.</summary>
[Collection(ApiCollection.Name)]
public sealed class PlatformConsoleTests(ApiFactory api)
{
    [Fact]
    public async Task The_platform_admin_sees_every_practice_with_its_numbers_and_nothing_that_names_a_patient()
    {
        var owner = await api.RegisterPracticeAsync($"Console Practice {Guid.NewGuid():N}");
        var patient = await api.AddPatientAsync(owner, "Quinn", "Confidential");
        var app = await api.PatientAppAsync(owner, "Scanning");
        await api.SendScanAndWaitAsync(app);
        var admin = await api.CreatePlatformUserAsync("platform_admin");

        var response = await api.As(admin.AccessToken).GetAsync("/api/v1/admin/practices?limit=200");
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        var page = ContractJson.Read<PageDto<PracticeSummaryDto>>(body);

        var ours = page.Items.Single(p => p.PracticeId == owner.PracticeId);
        ours.SubscriptionTier.ShouldBe(SubscriptionTier.Trial);
        ours.Status.ShouldBe(PracticeStatus.Active);
        ours.ScansLast7Days.ShouldBe(1);
        ours.ScansLast28Days.ShouldBe(1);
        ours.TaggingRate.ShouldBe(0m, "the scan waits untagged");
        foreach (var secret in new[] { patient.Id.ToString(), patient.FirstName, patient.LastName, app.PatientId.ToString(), "Scanning" })
            body.ShouldNotContain(secret, Case.Insensitive);
    }

    [Fact]
    public async Task The_list_pages_through_every_practice_once_in_name_order()
    {
        for (var i = 0; i < 3; i++) await api.RegisterPracticeAsync($"Console Paging {i}");
        var admin = await api.CreatePlatformUserAsync("platform_admin");

        var seen = new List<PracticeSummaryDto>();
        string? cursor = null;
        do
        {
            var page = await (await api.As(admin.AccessToken).GetAsync($"/api/v1/admin/practices?limit=2{(cursor is null ? "" : $"&cursor={cursor}")}"))
                .ShouldBeAsync<PageDto<PracticeSummaryDto>>(HttpStatusCode.OK);
            page.Items.Count.ShouldBeLessThanOrEqualTo(2);
            seen.AddRange(page.Items);
            cursor = page.NextCursor;
        } while (cursor is not null);

        seen.Select(p => p.PracticeId).ShouldBeUnique();
        seen.Count(p => p.Name.StartsWith("Console Paging ", StringComparison.Ordinal)).ShouldBe(3);
    }

    [Fact]
    public async Task Finance_and_practice_members_may_not_list_the_practices()
    {
        var owner = await api.RegisterPracticeAsync();
        var finance = await api.CreatePlatformUserAsync("finance");

        await (await api.As(finance.AccessToken).GetAsync("/api/v1/admin/practices")).ShouldFailAsync(HttpStatusCode.Forbidden);
        await (await api.As(owner).GetAsync("/api/v1/admin/practices")).ShouldFailAsync(HttpStatusCode.Forbidden);
        await (await api.As((string?)null).GetAsync("/api/v1/admin/practices")).ShouldFailAsync(HttpStatusCode.Unauthorized);
    }
}
