using System.IO.Compression;
using System.Net;
using System.Text;
using OrthoScan.Api.Tests.Audit;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Messaging;
using OrthoScan.Api.Tests.Scans;
using Shouldly;

namespace OrthoScan.Api.Tests.DataRights;

/// <summary>GET /patients/{id}/record: the whole record as a ZIP, for the owner only.</summary>
[Collection(ApiCollection.Name)]
public sealed class PatientRecordTests(ApiFactory api)
{
    [Fact]
    public async Task The_record_zip_holds_profile_sessions_tags_actions_messages_and_access_by_id_and_the_photos_decrypted()
    {
        var setup = await api.RecordedPatientAsync("Record Clinic");
        var owner = setup.Owner;
        var doctor = await api.AddMemberAsync(owner, "doctor");
        var tagSet = await api.TagAsync(doctor, setup.Session.Id);
        var feedback = await api.FeedbackDeliveredAsync(owner.AccessToken, setup.Patient.Id);
        // A read by the doctor, so the access summary has someone besides the owner.
        await (await api.As(doctor).GetAsync($"/api/v1/patients/{setup.Patient.Id}")).ShouldBeAsync<PatientDto>(HttpStatusCode.OK);
        await api.EntriesWhenSealedAsync(owner, setup.Patient.Id);

        var response = await api.As(owner).GetAsync($"/api/v1/patients/{setup.Patient.Id}/record");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/zip");
        response.Content.Headers.ContentDisposition?.FileNameStar.ShouldBe($"patient-record-{setup.Patient.Id}.zip");
        using var zip = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), ZipArchiveMode.Read);

        var json = await ReadTextAsync(zip, "record.json");
        PatientRecordDto record = ContractJson.Read<PatientRecordDto>(json);
        record.Format.ShouldBe("orthoscan-patient-record/1");
        record.Patient.Id.ShouldBe(setup.Patient.Id);
        record.Patient.FirstName.ShouldBe(DataRightsFlows.FirstName);
        record.Patient.LastName.ShouldBe(DataRightsFlows.LastName);
        record.Patient.Email.ShouldBe(DataRightsFlows.Email);
        record.Patient.DateOfBirth.ShouldBe(setup.Patient.DateOfBirth);
        record.Patient.ResearchConsent.Given.ShouldBeTrue();

        RecordSessionDto session = record.Sessions.ShouldHaveSingleItem();
        session.Id.ShouldBe(setup.Session.Id);
        session.Status.ShouldBe(ScanSessionStatus.Reviewed);
        session.Images.Count.ShouldBe(5);
        RecordTagSetDto tags = record.TagSets.ShouldHaveSingleItem();
        tags.Id.ShouldBe(tagSet.TagSetId);
        tags.OverallTracking.ShouldBe((short)3);
        tags.Notes.ShouldBe("Fine.");
        tags.DetailTags.ShouldBeEmpty();
        RecordActionDto action = record.Actions.ShouldHaveSingleItem();
        action.Action.ShouldBe("approve_progression");
        action.SessionId.ShouldBe(setup.Session.Id);
        record.Messages.Count.ShouldBe(2, "the doctor's message and the review's feedback");
        RecordMessageDto message = record.Messages.Single(m => m.SenderType == "doctor");
        message.Content.ShouldBe(DataRightsFlows.MessageText);
        message.ThreadId.ShouldBe(setup.ThreadId);
        message.Subject.ShouldBe("Check-in");
        record.Messages.Single(m => m.SenderType == "system").Content.ShouldBe(feedback.Content);

        // Who accessed the record: user ids and roles, never a name or an email.
        IReadOnlyList<RecordAccessDto> access = record.Access;
        access.ShouldContain(a => a.UserId == owner.UserId && a.ActorRole == "owner" && a.Action == "Patients.UpdatePatient");
        access.ShouldContain(a => a.ActorRole == "doctor" && a.Action == "Patients.GetPatient" && a.Count == 1);
        access.ShouldContain(a => a.ActorRole == "doctor" && a.Action == "Tagging.TagSession");
        json.ShouldNotContain(owner.Email);
        json.ShouldNotContain(doctor.Email);
        json.ShouldNotContain("Member doctor");
        json.ShouldNotContain("Dr. Test Owner");

        // Every photo in the ZIP is the EXIF-free full-size derivative, decrypted: the same bytes its download link answers.
        var fresh = await (await api.As(owner).GetAsync($"/api/v1/scans/sessions/{setup.Session.Id}")).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.OK);
        foreach (RecordImageDto image in session.Images)
        {
            var file = image.File.ShouldNotBeNull();
            file.ShouldBe($"images/{session.Id}/{ContractJson.Wire(image.ImageType)}.jpg");
            var bytes = await ReadBytesAsync(zip, file);
            bytes.AsSpan(0, 2).ToArray().ShouldBe(new byte[] { 0xFF, 0xD8 }, "a JPEG");
            var url = fresh.Images.Single(i => i.Id == image.Id).Urls.ShouldNotBeNull().Full;
            var served = await api.CreateClient().GetByteArrayAsync(url);
            bytes.ShouldBe(served);
        }
        zip.Entries.Count.ShouldBe(6);

        var entries = await api.EntriesWhenSealedAsync(owner, setup.Patient.Id);
        entries.ShouldContain(e => e.Action == "Patients.ExportPatientRecord" && e.UserId == owner.UserId && e.ResourceType == "patient");
    }

    [Fact]
    public async Task Only_the_owner_may_export_or_erase_doctor_staff_and_patient_403_another_practice_404_anonymous_401()
    {
        var owner = await api.RegisterPracticeAsync("Rights Roles Clinic");
        var app = await api.PatientAppAsync(owner, "Roles");
        var doctor = await api.AddMemberAsync(owner, "doctor");
        var staff = await api.AddMemberAsync(owner, "staff");
        var other = await api.RegisterPracticeAsync("Rights Roles Intruder");
        var record = $"/api/v1/patients/{app.PatientId}/record";

        foreach (var token in new[] { doctor.AccessToken, staff.AccessToken, app.AccessToken })
        {
            await (await api.As(token).GetAsync(record)).ShouldFailAsync(HttpStatusCode.Forbidden, "forbidden");
            await (await api.EraseAsync(token, app.PatientId)).ShouldFailAsync(HttpStatusCode.Forbidden, "forbidden");
        }
        await (await api.As(other).GetAsync(record)).ShouldFailAsync(HttpStatusCode.NotFound, "not-found");
        await (await api.EraseAsync(other.AccessToken, app.PatientId)).ShouldFailAsync(HttpStatusCode.NotFound, "not-found");
        await (await api.As((string?)null).GetAsync(record)).ShouldFailAsync(HttpStatusCode.Unauthorized);
        await (await api.EraseAsync(null, app.PatientId)).ShouldFailAsync(HttpStatusCode.Unauthorized);

        var untouched = await (await api.As(owner).GetAsync($"/api/v1/patients/{app.PatientId}")).ShouldBeAsync<PatientDto>(HttpStatusCode.OK);
        untouched.LastName.ShouldBe("Roles");
        untouched.Status.ShouldNotBe(PatientStatus.Erased);
    }

    private static async Task<string> ReadTextAsync(ZipArchive zip, string name) => Encoding.UTF8.GetString(await ReadBytesAsync(zip, name));

    private static async Task<byte[]> ReadBytesAsync(ZipArchive zip, string name)
    {
        var entry = zip.GetEntry(name).ShouldNotBeNull($"{name} in the ZIP");
        await using var stream = entry.Open();
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
