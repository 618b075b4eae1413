using System.Net;
using System.Net.Http.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using OrthoScan.Api.Tests.Audit;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Patients;

/// <summary>Research consent and treatment context on the patient's PATCH: who recorded the consent and when, and dates that make sense.</summary>
[Collection(ApiCollection.Name)]
public sealed class PatientConsentTests(ApiFactory api)
{
    [Fact]
    public async Task Consent_given_then_withdrawn_records_who_and_when_each_time_and_an_unchanged_answer_keeps_the_record()
    {
        var owner = await api.RegisterPracticeAsync("Consent Clinic");
        var staff = await api.AddMemberAsync(owner, "staff");
        var doctor = await api.AddMemberAsync(owner, "doctor");
        var patient = await api.AddPatientAsync(owner, "Rosalind", "Franklin");
        patient.ResearchConsent.ShouldBe(new ResearchConsentDto(false, null, null), "never recorded");

        var given = await (await api.As(staff).PatchAsJsonAsync($"/api/v1/patients/{patient.Id}", new { researchConsent = true }))
            .ShouldBeAsync<PatientDto>(HttpStatusCode.OK);
        given.ResearchConsent.Given.ShouldBeTrue();
        given.ResearchConsent.ChangedBy.ShouldBe(UserIdOf(staff));
        var givenAt = given.ResearchConsent.ChangedAt.ShouldNotBeNull();
        givenAt.ShouldBe(DateTime.UtcNow, TimeSpan.FromMinutes(1));

        var resent = await (await api.As(doctor).PatchAsJsonAsync($"/api/v1/patients/{patient.Id}", new { researchConsent = true, alignerBrand = "Spark" }))
            .ShouldBeAsync<PatientDto>(HttpStatusCode.OK);
        resent.ResearchConsent.ShouldBe(given.ResearchConsent, "the same answer again is no new record");

        var withdrawn = await (await api.As(doctor).PatchAsJsonAsync($"/api/v1/patients/{patient.Id}", new { researchConsent = false }))
            .ShouldBeAsync<PatientDto>(HttpStatusCode.OK);
        withdrawn.ResearchConsent.Given.ShouldBeFalse();
        withdrawn.ResearchConsent.ChangedBy.ShouldBe(UserIdOf(doctor));
        withdrawn.ResearchConsent.ChangedAt.ShouldNotBeNull().ShouldBeGreaterThan(givenAt);

        var read = await (await api.As(owner).GetAsync($"/api/v1/patients/{patient.Id}")).ShouldBeAsync<PatientDto>(HttpStatusCode.OK);
        read.ResearchConsent.ShouldBe(withdrawn.ResearchConsent);

        var updates = (await api.EntriesWhenSealedAsync(owner, patient.Id)).Where(e => e.Action == "Patients.UpdatePatient").ToList();
        updates.Select(e => e.UserId).ShouldBe([UserIdOf(staff), UserIdOf(doctor), UserIdOf(doctor)], ignoreOrder: true);
        updates.ShouldAllBe(e => e.ResourceType == "patient");

        var other = await api.RegisterPracticeAsync("Consent Intruder Clinic");
        await (await api.As(other).PatchAsJsonAsync($"/api/v1/patients/{patient.Id}", new { researchConsent = true, treatmentStartDate = "2024-01-15" }))
            .ShouldFailAsync(HttpStatusCode.NotFound, "not-found");
        var untouched = await (await api.As(owner).GetAsync($"/api/v1/patients/{patient.Id}")).ShouldBeAsync<PatientDto>(HttpStatusCode.OK);
        untouched.ResearchConsent.ShouldBe(withdrawn.ResearchConsent);
        untouched.TreatmentStartDate.ShouldBeNull();
    }

    [Fact]
    public async Task Treatment_start_date_is_kept_and_one_in_the_future_or_before_birth_is_refused_naming_the_field()
    {
        var owner = await api.RegisterPracticeAsync("Treatment Start Clinic");
        var staff = await api.AddMemberAsync(owner, "staff");
        var patient = await api.AddPatientAsync(owner); // born 1990-04-12
        var url = $"/api/v1/patients/{patient.Id}";
        patient.TreatmentStartDate.ShouldBeNull();

        var inTwoDays = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(2);
        var future = await (await api.As(staff).PatchAsJsonAsync(url, new { treatmentStartDate = inTwoDays })).ShouldFailAsync(HttpStatusCode.BadRequest, "validation");
        future.Errors.ShouldNotBeNull().ShouldContainKey("treatmentStartDate");

        var beforeBirth = await (await api.As(staff).PatchAsJsonAsync(url, new { treatmentStartDate = "1990-04-11" })).ShouldFailAsync(HttpStatusCode.UnprocessableEntity);
        beforeBirth.Errors.ShouldNotBeNull().ShouldContainKey("treatmentStartDate");

        var started = await (await api.As(staff).PatchAsJsonAsync(url, new { treatmentStartDate = "2024-01-15" })).ShouldBeAsync<PatientDto>(HttpStatusCode.OK);
        started.TreatmentStartDate.ShouldBe(new DateOnly(2024, 1, 15));

        // Moving the birth after the start is the same contradiction, named on the field that was sent.
        var bornLater = await (await api.As(staff).PatchAsJsonAsync(url, new { dateOfBirth = "2024-02-01" })).ShouldFailAsync(HttpStatusCode.UnprocessableEntity);
        bornLater.Errors.ShouldNotBeNull().ShouldContainKey("dateOfBirth");

        var read = await (await api.As(owner).GetAsync(url)).ShouldBeAsync<PatientDto>(HttpStatusCode.OK);
        read.TreatmentStartDate.ShouldBe(new DateOnly(2024, 1, 15));
        read.DateOfBirth.ShouldBe(new DateOnly(1990, 4, 12));
    }

    [Fact]
    public async Task The_age_band_follows_the_date_of_birth_in_every_patient_answer()
    {
        var owner = await api.RegisterPracticeAsync("Age Band Clinic");
        var patient = await api.AddPatientAsync(owner);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);

        var teen = await (await api.As(owner).PatchAsJsonAsync($"/api/v1/patients/{patient.Id}", new { dateOfBirth = today.AddYears(-12).AddDays(-1) }))
            .ShouldBeAsync<PatientDto>(HttpStatusCode.OK);
        teen.AgeBand.ShouldBe(AgeBand.From12To17);

        var listed = await (await api.As(owner).GetAsync("/api/v1/patients")).ShouldBeAsync<PageDto<PatientDto>>(HttpStatusCode.OK);
        listed.Items.Single().AgeBand.ShouldBe(AgeBand.From12To17);
        var body = await (await api.As(owner).GetAsync($"/api/v1/patients/{patient.Id}")).Content.ReadAsStringAsync();
        body.ShouldContain("\"ageBand\":\"12_17\"");
    }

    private static Guid UserIdOf(Session member) => Guid.Parse(new JsonWebToken(member.AccessToken).Subject);
}
