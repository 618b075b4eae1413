using System.Net;
using System.Net.Http.Json;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Patients;

[Collection(ApiCollection.Name)]
public sealed class PatientTests(ApiFactory api)
{
    [Fact]
    public async Task Created_patient_can_be_read_found_edited_and_archived()
    {
        var owner = await api.RegisterPracticeAsync();
        var created = await api.CreatePatientAsync(owner, "Grace", "Hopper");
        var id = created["id"]!.GetValue<string>();
        created["preferredLanguage"]!.GetValue<string>().ShouldBe("fr");
        created["status"]!.GetValue<string>().ShouldBe("invited");

        var read = await (await api.As(owner).GetAsync($"/api/v1/patients/{id}")).ShouldBeAsync(HttpStatusCode.OK);
        read["lastName"]!.GetValue<string>().ShouldBe("Hopper");
        read["createdAt"]!.GetValue<string>().ShouldBe(created["createdAt"]!.GetValue<string>());

        var found = await (await api.As(owner).GetAsync("/api/v1/patients?search=grace%20hop")).ShouldBeAsync(HttpStatusCode.OK);
        found["items"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()).ShouldBe([id]);

        var edited = await (await api.As(owner).PatchAsJsonAsync($"/api/v1/patients/{id}", new { currentStage = 7, alignerBrand = "Spark" }))
            .ShouldBeAsync(HttpStatusCode.OK);
        edited["currentStage"]!.GetValue<int>().ShouldBe(7);
        edited["alignerBrand"]!.GetValue<string>().ShouldBe("Spark");
        edited["firstName"]!.GetValue<string>().ShouldBe("Grace");

        await (await api.As(owner).PostAsync($"/api/v1/patients/{id}/archive", null)).ShouldBeAsync(HttpStatusCode.OK);
        var active = await (await api.As(owner).GetAsync("/api/v1/patients")).ShouldBeAsync(HttpStatusCode.OK);
        active["items"]!.AsArray().ShouldBeEmpty();
        var archived = await (await api.As(owner).GetAsync("/api/v1/patients?status=archived")).ShouldBeAsync(HttpStatusCode.OK);
        archived["items"]!.AsArray().Count.ShouldBe(1);
    }

    [Fact]
    public async Task Paging_walks_every_patient_once_in_name_order()
    {
        var owner = await api.RegisterPracticeAsync();
        string[] lastNames = ["Zeta", "Alpha", "Mu", "Beta", "Kappa"];
        foreach (var last in lastNames) await api.CreatePatientAsync(owner, "Pat", last);

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await api.As(owner).GetAsync($"/api/v1/patients?limit=2{(cursor is null ? "" : "&cursor=" + cursor)}")).ShouldBeAsync(HttpStatusCode.OK);
            seen.AddRange(page["items"]!.AsArray().Select(p => p!["lastName"]!.GetValue<string>()));
            cursor = page["nextCursor"]?.GetValue<string>();
        } while (cursor is not null);

        seen.ShouldBe(lastNames.Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public async Task Current_stage_after_the_last_stage_is_refused_with_the_field_named()
    {
        var owner = await api.RegisterPracticeAsync();
        var response = await api.As(owner).PostAsJsonAsync("/api/v1/patients",
            new { firstName = "A", lastName = "B", dateOfBirth = "2001-01-01", phone = "+14155550123", currentStage = 9, totalStages = 3 });
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        problem["errors"]!["currentStage"].ShouldNotBeNull();
        var list = await (await api.As(owner).GetAsync("/api/v1/patients")).ShouldBeAsync(HttpStatusCode.OK);
        list["items"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task Missing_required_fields_are_listed_per_field()
    {
        var owner = await api.RegisterPracticeAsync();
        var problem = await (await api.As(owner).PostAsJsonAsync("/api/v1/patients", new { firstName = "" }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        problem["errors"]!["firstName"].ShouldNotBeNull();
        problem["errors"]!["lastName"].ShouldNotBeNull();
        problem["errors"]!["dateOfBirth"].ShouldNotBeNull();
    }

    [Fact]
    public async Task Archiving_a_patient_ends_their_app_session_at_once()
    {
        var owner = await api.RegisterPracticeAsync();
        var id = (await api.CreatePatientAsync(owner))["id"]!.GetValue<string>();
        var invitation = await (await api.As(owner).PostAsync($"/api/v1/patients/{id}/invite", null)).ShouldBeAsync(HttpStatusCode.OK);
        const string device = "archive-test-device-0001";
        var app = await (await api.CreateClient().PostAsJsonAsync("/api/v1/auth/patient/activate",
            new { code = invitation["code"]!.GetValue<string>(), deviceId = device })).ShouldBeAsync(HttpStatusCode.OK);

        await (await api.As(owner).PostAsync($"/api/v1/patients/{id}/archive", null)).ShouldBeAsync(HttpStatusCode.OK);

        await (await api.As(app["accessToken"]!.GetValue<string>()).PostAsync("/api/v1/auth/logout", null))
            .ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await api.CreateClient().PostAsJsonAsync("/api/v1/auth/refresh",
            new { refreshToken = app["refreshToken"]!.GetValue<string>(), deviceId = device })).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }
}
