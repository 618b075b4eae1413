using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using OrthoScan.Api.Infrastructure.Storage;
using OrthoScan.Api.Tests.Audit;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Scans;
using Shouldly;

namespace OrthoScan.Api.Tests.DataRights;

/// <summary>POST /patients/{id}/erasure: identity gone from every route, photos crypto-shredded, the audit chain intact.</summary>
[Collection(ApiCollection.Name)]
public sealed class ErasureTests(ApiFactory api)
{
    [Fact]
    public async Task Erasure_removes_the_identity_from_every_route_and_ends_the_app_account()
    {
        var setup = await api.RecordedPatientAsync("Erasure Identity Clinic");
        var owner = setup.Owner;
        var id = setup.Patient.Id;
        var pendingCode = (await (await api.As(owner).PostAsJsonAsync($"/api/v1/patients/{id}/invite", new { })).ShouldBeAsync<PatientInvitationDto>(HttpStatusCode.OK)).Code;
        var feedBefore = await (await api.As(owner).GetAsync("/api/v1/dashboard/feed")).ShouldBeAsync<PageDto<ReviewFeedItemDto>>(HttpStatusCode.OK);
        feedBefore.Items.ShouldContain(i => i.PatientId == id && i.PatientName.Contains(DataRightsFlows.LastName));

        ErasureDto erased = await (await api.EraseAsync(owner.AccessToken, id)).ShouldBeAsync<ErasureDto>(HttpStatusCode.OK);
        erased.PatientId.ShouldBe(id);
        erased.ImagesShredded.ShouldBe(5);
        erased.ErasedAt.ShouldBe(DateTime.UtcNow, TimeSpan.FromMinutes(1));

        var patientBody = await (await api.As(owner).GetAsync($"/api/v1/patients/{id}")).Content.ReadAsStringAsync();
        var patient = ContractJson.Read<PatientDto>(patientBody);
        patient.Status.ShouldBe(PatientStatus.Erased);
        (patient.FirstName, patient.LastName).ShouldBe(("Erased", "Patient"));
        patient.Email.ShouldBeNull();
        patient.Phone.ShouldBeNull();
        patient.DateOfBirth.ShouldBeNull();
        patient.AgeBand.ShouldBeNull();
        patient.ResearchConsent.Given.ShouldBeFalse("an erased patient is out of every future export");
        ShouldHoldNoIdentity(patientBody, setup);

        var listed = await (await api.As(owner).GetAsync("/api/v1/patients")).ShouldBeAsync<PageDto<PatientDto>>(HttpStatusCode.OK);
        listed.Items.ShouldNotContain(p => p.Id == id, "erased patients leave the work list");
        var erasedList = await (await api.As(owner).GetAsync("/api/v1/patients?status=erased")).Content.ReadAsStringAsync();
        ContractJson.Read<PageDto<PatientDto>>(erasedList).Items.ShouldHaveSingleItem().Id.ShouldBe(id);
        ShouldHoldNoIdentity(erasedList, setup);
        foreach (var search in new[] { DataRightsFlows.LastName, DataRightsFlows.FirstName })
        {
            var found = await (await api.As(owner).GetAsync($"/api/v1/patients?search={search}&status=erased")).ShouldBeAsync<PageDto<PatientDto>>(HttpStatusCode.OK);
            found.Items.ShouldBeEmpty();
        }

        var sessionBody = await (await api.As(owner).GetAsync($"/api/v1/scans/sessions/{setup.Session.Id}")).Content.ReadAsStringAsync();
        ContractJson.Read<ScanSessionDto>(sessionBody).Images.ShouldAllBe(i => i.Urls == null);
        var feedBody = await (await api.As(owner).GetAsync("/api/v1/dashboard/feed")).Content.ReadAsStringAsync();
        var feedItem = ContractJson.Read<PageDto<ReviewFeedItemDto>>(feedBody).Items.ShouldHaveSingleItem();
        feedItem.Images.ShouldAllBe(i => i.ThumbnailUrl == null);
        ShouldHoldNoIdentity(feedBody, setup);
        await (await api.As(owner).GetAsync($"/api/v1/patients/{id}/record")).ShouldFailAsync(HttpStatusCode.Gone, "patient-erased");

        // Nothing can write an identity back, and the app account is over.
        await (await api.As(owner).PatchAsJsonAsync($"/api/v1/patients/{id}", new { lastName = DataRightsFlows.LastName })).ShouldFailAsync(HttpStatusCode.Conflict, "patient-erased");
        await (await api.As(owner).PostAsJsonAsync($"/api/v1/patients/{id}/invite", new { })).ShouldFailAsync(HttpStatusCode.Conflict, "patient-erased");
        await (await api.As(owner).PostAsync($"/api/v1/patients/{id}/archive", null)).ShouldFailAsync(HttpStatusCode.Conflict, "patient-erased");
        await (await api.As(setup.App.AccessToken).GetAsync($"/api/v1/scans/sessions/{setup.Session.Id}")).ShouldFailAsync(HttpStatusCode.Unauthorized);
        await (await api.CreateClient().PostAsJsonAsync("/api/v1/auth/patient/activate", new { code = pendingCode, deviceId = "erased-device-000000001" }))
            .ShouldFailAsync(HttpStatusCode.UnprocessableEntity, "invalid-invitation");

        // Audit rows hold ids only: the erasure rewrote none of them, and the chain still verifies.
        var trail = await (await api.As(owner).GetAsync($"/api/v1/audit?resourceId={id}&limit=200")).Content.ReadAsStringAsync();
        ShouldHoldNoIdentity(trail, setup);
        var entries = await api.EntriesWhenSealedAsync(owner, id);
        entries.ShouldContain(e => e.Action == "Patients.ErasePatient" && e.UserId == owner.UserId && e.ResourceType == "patient");
        var report = await api.VerifyWhenSealedAsync(owner);
        report.Valid.ShouldBeTrue(report.Problem);
        report.CheckedEntries.ShouldBeGreaterThan(5);
    }

    [Fact]
    public async Task After_erasure_the_photos_are_unreadable_even_from_a_copy_of_the_store_read_with_the_master_key()
    {
        var setup = await api.RecordedPatientAsync("Erasure Shred Clinic");
        var owner = setup.Owner;
        var before = await (await api.As(owner).GetAsync($"/api/v1/scans/sessions/{setup.Session.Id}")).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.OK);
        var fullUrl = before.Images[0].Urls.ShouldNotBeNull().Full;
        (await api.CreateClient().GetAsync(fullUrl)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // A copy of every stored object of the patient, as a backup or a disk image would hold it.
        var patientFolder = Path.Combine(api.BlobRoot, "practices", owner.PracticeId.ToString(), "patients", setup.Patient.Id.ToString());
        var backup = StorageTestKitCopy(patientFolder);
        backup.Count.ShouldBe(15, "three sizes of five photos (the raw uploads were deleted once processed)");
        foreach (var (_, bytes) in backup) bytes[4].ShouldBe(BlobFileFormat.PatientWrapped, "every object is wrapped under the patient's key");

        await (await api.EraseAsync(owner.AccessToken, setup.Patient.Id)).ShouldBeAsync<ErasureDto>(HttpStatusCode.OK);

        Directory.EnumerateFiles(patientFolder, "*", SearchOption.AllDirectories).ShouldBeEmpty("the objects are deleted too, best effort");
        await (await api.CreateClient().GetAsync(fullUrl)).ShouldFailAsync(HttpStatusCode.NotFound, "not-found");

        // Put the copies back (a delete that failed, a restored backup): the link now answers 410, never 500.
        foreach (var (path, bytes) in backup) await File.WriteAllBytesAsync(path, bytes);
        await (await api.CreateClient().GetAsync(fullUrl)).ShouldFailAsync(HttpStatusCode.Gone, "patient-erased");

        // The master key opens nothing: each object's key is wrapped under the patient's key, and that one is destroyed.
        var masterKeys = api.Services.GetRequiredService<IKeyProvider>();
        foreach (var (path, _) in backup)
        {
            await using var file = File.OpenRead(path);
            var header = await BlobFileFormat.ReadHeaderAsync(file, "backup", default);
            await Should.ThrowAsync<CryptographicException>(() => masterKeys.DecryptDataKeyAsync(header.WrappedKey, default));
        }
        var withMasterKeyOnly = new EncryptedFileBlobStore(api.BlobRoot, masterKeys, api.Services.GetRequiredService<BlobUrlSigner>(), TimeProvider.System);
        var objectKey = Path.GetRelativePath(api.BlobRoot, backup[0].Path)[..^".blob".Length];
        await Should.ThrowAsync<BlobCorruptedException>(() => withMasterKeyOnly.OpenReadAsync(objectKey, default));
        await Should.ThrowAsync<PatientDataShreddedException>(() => api.Services.GetRequiredService<IBlobStore>().OpenReadAsync(objectKey, default));

        await using var sql = await Sql.OpenAsync(api.AppConnectionString, owner.PracticeId);
        (await sql.ScalarAsync<long>("SELECT count(*) FROM patient_data_keys WHERE patient_id = @p AND wrapped_key IS NULL AND destroyed_at IS NOT NULL",
            ("p", setup.Patient.Id))).ShouldBe(1);
        // The tombstone stays: the app role may neither delete it nor bring a key back.
        (await Should.ThrowAsync<Npgsql.PostgresException>(() => sql.ExecuteAsync("DELETE FROM patient_data_keys WHERE patient_id = @p", ("p", setup.Patient.Id))))
            .SqlState.ShouldBe(Npgsql.PostgresErrorCodes.InsufficientPrivilege);
        (await Should.ThrowAsync<Npgsql.PostgresException>(() => sql.ExecuteAsync(
                "UPDATE patient_data_keys SET wrapped_key = '\\x01', destroyed_at = NULL WHERE patient_id = @p", ("p", setup.Patient.Id))))
            .SqlState.ShouldBe(Npgsql.PostgresErrorCodes.CheckViolation);
    }

    [Fact]
    public async Task Two_erasures_at_once_erase_exactly_once_and_the_other_answers_409()
    {
        var owner = await api.RegisterPracticeAsync("Erasure Race Clinic");
        var patient = await api.AddPatientAsync(owner, "Race", "Twice");

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => api.EraseAsync(owner.AccessToken, patient.Id)));

        responses.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(1);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
            await refused.ShouldFailAsync(HttpStatusCode.Conflict, "patient-erased");
        await (await api.EraseAsync(owner.AccessToken, patient.Id)).ShouldFailAsync(HttpStatusCode.Conflict, "patient-erased");
        var entries = await api.EntriesWhenSealedAsync(owner, patient.Id);
        entries.Count(e => e.Action == "Patients.ErasePatient").ShouldBe(1);
    }

    [Fact]
    public async Task A_confirmation_other_than_ERASE_is_refused_with_422_and_erases_nothing()
    {
        var owner = await api.RegisterPracticeAsync("Erasure Confirm Clinic");
        var patient = await api.AddPatientAsync(owner, "Kept", "Intact");

        foreach (var confirmation in new[] { "erase", "DELETE", "ERASE " })
        {
            var problem = await (await api.EraseAsync(owner.AccessToken, patient.Id, confirmation)).ShouldFailAsync(HttpStatusCode.UnprocessableEntity, "erasure-not-confirmed");
            problem.Errors.ShouldNotBeNull().ShouldContainKey("confirmation");
        }
        (await (await api.EraseAsync(owner.AccessToken, patient.Id, null)).ShouldFailAsync(HttpStatusCode.BadRequest, "validation"))
            .Errors.ShouldNotBeNull().ShouldContainKey("confirmation");

        var kept = await (await api.As(owner).GetAsync($"/api/v1/patients/{patient.Id}")).ShouldBeAsync<PatientDto>(HttpStatusCode.OK);
        kept.ShouldBe(patient with { UpdatedAt = kept.UpdatedAt });
        kept.UpdatedAt.ShouldBe(patient.UpdatedAt);
    }

    [Fact]
    public async Task Objects_written_before_patient_keys_stay_readable_and_are_refused_once_the_patient_is_erased()
    {
        var owner = await api.RegisterPracticeAsync("Erasure Legacy Clinic");
        var patient = await api.AddPatientAsync(owner, "Legacy", "Object");
        var key = $"practices/{owner.PracticeId}/patients/{patient.Id}/sessions/{Guid.CreateVersion7()}/legacy.jpg";
        var masterKeys = api.Services.GetRequiredService<IKeyProvider>();
        var before = new EncryptedFileBlobStore(api.BlobRoot, masterKeys, api.Services.GetRequiredService<BlobUrlSigner>(), TimeProvider.System);
        var photo = RandomNumberGenerator.GetBytes(5000);
        await before.PutAsync(key, new MemoryStream(photo), "image/jpeg", default);
        (await File.ReadAllBytesAsync(Path.Combine(api.BlobRoot, key + ".blob")))[4].ShouldBe(BlobFileFormat.MasterWrapped);

        var store = api.Services.GetRequiredService<IBlobStore>();
        (await Storage.StorageTestKit.ReadAllAsync((await store.OpenReadAsync(key, default)).ShouldNotBeNull())).ShouldBe(photo);
        var url = store.CreateDownloadUrl(key, TimeSpan.FromMinutes(1)).ToString();
        (await api.CreateClient().GetByteArrayAsync(url)).ShouldBe(photo);

        await (await api.EraseAsync(owner.AccessToken, patient.Id)).ShouldBeAsync<ErasureDto>(HttpStatusCode.OK);

        await Should.ThrowAsync<PatientDataShreddedException>(() => store.OpenReadAsync(key, default));
        await (await api.CreateClient().GetAsync(url)).ShouldFailAsync(HttpStatusCode.Gone, "patient-erased");
        await Should.ThrowAsync<PatientDataShreddedException>(() => store.PutAsync(key.Replace("legacy", "new"), new MemoryStream(photo), "image/jpeg", default));
    }

    private static void ShouldHoldNoIdentity(string body, RecordedPatient setup)
    {
        foreach (var identity in new[] { DataRightsFlows.FirstName, DataRightsFlows.LastName, DataRightsFlows.Email, "+14155550123", setup.Patient.DateOfBirth!.Value.ToString("yyyy-MM-dd") })
            body.ShouldNotContain(identity, Case.Insensitive);
    }

    private static List<(string Path, byte[] Bytes)> StorageTestKitCopy(string folder) =>
        [.. Directory.EnumerateFiles(folder, "*.blob", SearchOption.AllDirectories).Select(path => (path, File.ReadAllBytes(path)))];
}
