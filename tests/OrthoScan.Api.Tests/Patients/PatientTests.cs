using System.Net;
using System.Net.Http.Json;
using OrthoScan.Api.Tests.Contract;
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
        var created = await api.AddPatientAsync(owner, "Grace", "Hopper");
        var id = created.Id;
        created.PreferredLanguage.ShouldBe(PreferredLanguage.Fr);
        created.Status.ShouldBe(PatientStatus.Invited);

        var read = await (await api.As(owner).GetAsync($"/api/v1/patients/{id}")).ShouldBeAsync<PatientDto>(HttpStatusCode.OK);
        read.LastName.ShouldBe("Hopper");
        read.CreatedAt.ShouldBe(created.CreatedAt);

        var found = await (await api.As(owner).GetAsync("/api/v1/patients?search=grace%20hop")).ShouldBeAsync<PageDto<PatientDto>>(HttpStatusCode.OK);
        found.Items.Select(p => p.Id).ShouldBe([id]);

        var edited = await (await api.As(owner).PatchAsJsonAsync($"/api/v1/patients/{id}", new { currentStage = 7, alignerBrand = "Spark" }))
            .ShouldBeAsync<PatientDto>(HttpStatusCode.OK);
        edited.CurrentStage.ShouldBe(7);
        edited.AlignerBrand.ShouldBe("Spark");
        edited.FirstName.ShouldBe("Grace");

        await (await api.As(owner).PostAsync($"/api/v1/patients/{id}/archive", null)).ShouldBeAsync<PatientDto>(HttpStatusCode.OK);
        var active = await (await api.As(owner).GetAsync("/api/v1/patients")).ShouldBeAsync<PageDto<PatientDto>>(HttpStatusCode.OK);
        active.Items.ShouldBeEmpty();
        var archived = await (await api.As(owner).GetAsync("/api/v1/patients?status=archived")).ShouldBeAsync<PageDto<PatientDto>>(HttpStatusCode.OK);
        archived.Items.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Paging_walks_every_patient_once_in_name_order()
    {
        var owner = await api.RegisterPracticeAsync();
        string[] lastNames = ["Zeta", "Alpha", "Mu", "Beta", "Kappa"];
        foreach (var last in lastNames) await api.AddPatientAsync(owner, "Pat", last);

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await api.As(owner).GetAsync($"/api/v1/patients?limit=2{(cursor is null ? "" : "&cursor=" + cursor)}")).ShouldBeAsync<PageDto<PatientDto>>(HttpStatusCode.OK);
            seen.AddRange(page.Items.Select(p => p.LastName));
            cursor = page.NextCursor;
        } while (cursor is not null);

        seen.ShouldBe(lastNames.Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public async Task Current_stage_after_the_last_stage_is_refused_with_the_field_named()
    {
        var owner = await api.RegisterPracticeAsync();
        var response = await api.As(owner).PostAsJsonAsync("/api/v1/patients",
            new { firstName = "A", lastName = "B", dateOfBirth = "2001-01-01", phone = "+14155550123", currentStage = 9, totalStages = 3 });
        var problem = await response.ShouldFailAsync(HttpStatusCode.UnprocessableEntity);
        problem.Errors.ShouldNotBeNull().ShouldContainKey("currentStage");
        var list = await (await api.As(owner).GetAsync("/api/v1/patients")).ShouldBeAsync<PageDto<PatientDto>>(HttpStatusCode.OK);
        list.Items.ShouldBeEmpty();
    }

    [Fact]
    public async Task Missing_required_fields_are_listed_per_field()
    {
        var owner = await api.RegisterPracticeAsync();
        var problem = await (await api.As(owner).PostAsJsonAsync("/api/v1/patients", new { firstName = "" }))
            .ShouldFailAsync(HttpStatusCode.BadRequest, "validation");
        var errors = problem.Errors.ShouldNotBeNull();
        errors.ShouldContainKey("firstName");
        errors.ShouldContainKey("lastName");
        errors.ShouldContainKey("dateOfBirth");
    }

    [Fact]
    public async Task Archiving_a_patient_ends_their_app_session_at_once()
    {
        var owner = await api.RegisterPracticeAsync();
        var id = (await api.AddPatientAsync(owner)).Id;
        var invitation = await (await api.As(owner).PostAsJsonAsync($"/api/v1/patients/{id}/invite", new { })).ShouldBeAsync<PatientInvitationDto>(HttpStatusCode.OK);
        const string device = "archive-test-device-0001";
        var app = await (await api.CreateClient().PostAsJsonAsync("/api/v1/auth/patient/activate",
            new { code = invitation.Code, deviceId = device })).ShouldBeAsync<PatientActivationDto>(HttpStatusCode.OK);

        await (await api.As(owner).PostAsync($"/api/v1/patients/{id}/archive", null)).ShouldBeAsync<PatientDto>(HttpStatusCode.OK);

        await (await api.As(app.AccessToken).PostAsync("/api/v1/auth/logout", null))
            .ShouldFailAsync(HttpStatusCode.Unauthorized);
        await (await api.CreateClient().PostAsJsonAsync("/api/v1/auth/refresh",
            new { refreshToken = app.RefreshToken, deviceId = device })).ShouldFailAsync(HttpStatusCode.Unauthorized);
    }
}
