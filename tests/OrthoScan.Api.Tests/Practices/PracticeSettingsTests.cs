using System.Net;
using System.Net.Http.Json;
using OrthoScan.Api.Tests.Audit;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Practices;

[Collection(ApiCollection.Name)]
public sealed class PracticeSettingsTests(ApiFactory api)
{
    [Fact]
    public async Task A_new_practice_shares_nothing_and_sends_nothing_to_external_ai_until_the_owner_turns_it_on()
    {
        var owner = await api.RegisterPracticeAsync("Settings Default Clinic");

        var settings = await (await api.As(owner).GetAsync("/api/v1/practice/settings")).ShouldBeAsync<PracticeSettingsDto>(HttpStatusCode.OK);

        settings.PracticeId.ShouldBe(owner.PracticeId);
        settings.Name.ShouldBe("Settings Default Clinic");
        settings.ShareDeidentifiedData.ShouldBe(new DataChoiceDto(false, null, null));
        settings.ExternalAiProcessing.ShouldBe(new DataChoiceDto(false, null, null));
        settings.Country.ShouldBeNull();
        settings.BillingEmail.ShouldBeNull();
    }

    [Fact]
    public async Task The_owner_changes_the_settings_and_each_data_choice_says_who_turned_it_on_and_is_audited()
    {
        var owner = await api.RegisterPracticeAsync("Settings Change Clinic");

        var changed = await (await api.As(owner).PatchAsJsonAsync("/api/v1/practice/settings", new
        {
            country = "DE", region = "Berlin", timezone = "Europe/Berlin", billingEmail = "billing@clinic.example", externalAiProcessing = true,
        })).ShouldBeAsync<PracticeSettingsDto>(HttpStatusCode.OK);

        changed.Country.ShouldBe("DE");
        changed.Region.ShouldBe("Berlin");
        changed.Timezone.ShouldBe("Europe/Berlin");
        changed.BillingEmail.ShouldBe("billing@clinic.example");
        changed.ExternalAiProcessing.Enabled.ShouldBeTrue();
        changed.ExternalAiProcessing.ChangedBy.ShouldBe("Dr. Test Owner");
        changed.ExternalAiProcessing.ChangedAt.ShouldNotBeNull().ShouldBe(DateTime.UtcNow, TimeSpan.FromMinutes(1));
        changed.ShareDeidentifiedData.ShouldBe(new DataChoiceDto(false, null, null), "a choice left out keeps its value and its history");

        // Left out keeps, empty clears: the region goes, the rest stays.
        var cleared = await (await api.As(owner).PatchAsJsonAsync("/api/v1/practice/settings", new { region = "" }))
            .ShouldBeAsync<PracticeSettingsDto>(HttpStatusCode.OK);
        cleared.Region.ShouldBeNull();
        cleared.Country.ShouldBe("DE");
        cleared.ExternalAiProcessing.ShouldBe(changed.ExternalAiProcessing);

        var entries = await api.EntriesWhenSealedAsync(owner, owner.PracticeId);
        var updates = entries.Where(e => e.Action == "Practices.UpdatePracticeSettings").ToList();
        updates.Count.ShouldBe(2);
        updates.ShouldAllBe(e => e.UserId == owner.UserId && e.ResourceType == "practice");
    }

    [Fact]
    public async Task Doctors_and_staff_can_neither_read_nor_change_the_settings()
    {
        var owner = await api.RegisterPracticeAsync("Settings Roles Clinic");
        foreach (var role in new[] { "doctor", "staff" })
        {
            var member = await api.AddMemberAsync(owner, role);
            await (await api.As(member).GetAsync("/api/v1/practice/settings")).ShouldFailAsync(HttpStatusCode.Forbidden);
            await (await api.As(member).PatchAsJsonAsync("/api/v1/practice/settings", new { shareDeidentifiedData = true }))
                .ShouldFailAsync(HttpStatusCode.Forbidden);
        }

        var settings = await (await api.As(owner).GetAsync("/api/v1/practice/settings")).ShouldBeAsync<PracticeSettingsDto>(HttpStatusCode.OK);
        settings.ShareDeidentifiedData.Enabled.ShouldBeFalse();
    }

    [Theory]
    [InlineData("country", "Germany")]
    [InlineData("country", "de")]
    [InlineData("country", "XX")]
    [InlineData("timezone", "Mars/Olympus")]
    [InlineData("billingEmail", "not-an-email")]
    public async Task An_invalid_value_is_a_400_naming_the_field_and_changes_nothing(string field, string value)
    {
        var owner = await api.RegisterPracticeAsync("Settings Invalid Clinic");
        var before = await (await api.As(owner).GetAsync("/api/v1/practice/settings")).ShouldBeAsync<PracticeSettingsDto>(HttpStatusCode.OK);

        var problem = await (await api.As(owner).PatchAsJsonAsync("/api/v1/practice/settings", new Dictionary<string, object>
        {
            [field] = value,
            ["shareDeidentifiedData"] = true,
        })).ShouldFailAsync(HttpStatusCode.BadRequest, "validation");

        problem.Errors.ShouldNotBeNull().Keys.ShouldBe([field]);
        var after = await (await api.As(owner).GetAsync("/api/v1/practice/settings")).ShouldBeAsync<PracticeSettingsDto>(HttpStatusCode.OK);
        after.ShouldBe(before);
    }

    [Fact]
    public async Task One_practices_owner_changes_only_their_own_practice()
    {
        var ours = await api.RegisterPracticeAsync("Settings Ours");
        var theirs = await api.RegisterPracticeAsync("Settings Theirs");

        await (await api.As(theirs).PatchAsJsonAsync("/api/v1/practice/settings", new { shareDeidentifiedData = true, country = "FR" }))
            .ShouldBeAsync<PracticeSettingsDto>(HttpStatusCode.OK);

        var ourSettings = await (await api.As(ours).GetAsync("/api/v1/practice/settings")).ShouldBeAsync<PracticeSettingsDto>(HttpStatusCode.OK);
        ourSettings.ShareDeidentifiedData.Enabled.ShouldBeFalse();
        ourSettings.Country.ShouldBeNull();
    }
}
