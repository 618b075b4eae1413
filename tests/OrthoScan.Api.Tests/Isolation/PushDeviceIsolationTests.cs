using System.Net.Http.Json;
using Npgsql;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Isolation;

/// <summary>A patient's push token is theirs: another practice can neither see, move, delete nor plant one on them.</summary>
[Collection(ApiCollection.Name)]
public sealed class PushDeviceIsolationTests(ApiFactory api)
{
    [Fact]
    public async Task Another_practice_can_neither_read_nor_change_nor_add_to_a_practices_push_devices()
    {
        var ours = await api.RegisterPracticeAsync("Device Practice Ours");
        var theirs = await api.RegisterPracticeAsync("Device Practice Theirs");
        var patient = (await api.AddPatientAsync(ours)).Id;
        var theirPatient = (await api.AddPatientAsync(theirs)).Id;
        var device = Guid.CreateVersion7();
        await using var asOurs = await Sql.OpenAsync(api.AppConnectionString, ours.PracticeId);
        await asOurs.ExecuteAsync("""
            INSERT INTO push_devices (id, practice_id, patient_id, token, platform, created_at, last_seen_at)
            VALUES (@d, @p, @patient, @token, 'ios', now(), now())
            """, ("d", device), ("p", ours.PracticeId), ("patient", patient), ("token", "token-" + device));

        await using var asTheirs = await Sql.OpenAsync(api.AppConnectionString, theirs.PracticeId);
        (await asTheirs.ScalarAsync<long>("SELECT count(*) FROM push_devices WHERE id = @d", ("d", device))).ShouldBe(0);
        (await asTheirs.ExecuteAsync("UPDATE push_devices SET patient_id = @x WHERE id = @d", ("x", theirPatient), ("d", device))).ShouldBe(0);
        (await asTheirs.ExecuteAsync("DELETE FROM push_devices WHERE id = @d", ("d", device))).ShouldBe(0);
        (await Should.ThrowAsync<PostgresException>(() => asTheirs.ExecuteAsync("""
            INSERT INTO push_devices (id, practice_id, patient_id, token, platform, created_at, last_seen_at)
            VALUES (gen_random_uuid(), @p, @patient, 'planted', 'android', now(), now())
            """, ("p", ours.PracticeId), ("patient", patient)))).SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
        (await Should.ThrowAsync<PostgresException>(() => asTheirs.ExecuteAsync("""
            INSERT INTO push_devices (id, practice_id, patient_id, token, platform, created_at, last_seen_at)
            VALUES (gen_random_uuid(), @p, @patient, 'pointing-across', 'android', now(), now())
            """, ("p", theirs.PracticeId), ("patient", patient)))).SqlState.ShouldBe(PostgresErrorCodes.ForeignKeyViolation);

        // Through the API: their patient's app registering our patient's token is refused, and the token stays ours.
        var theirApp = await Scans.ScanFlow.PatientAppAsync(api, theirs, "Borrower");
        await (await api.As(theirApp.AccessToken).PostAsJsonAsync("/api/v1/notifications/devices", new { token = "token-" + device, platform = "android" }))
            .ShouldFailAsync(System.Net.HttpStatusCode.Conflict, "device-registered-elsewhere");

        (await asOurs.ScalarAsync<string>("SELECT token || ' ' || patient_id FROM push_devices WHERE id = @d", ("d", device))).ShouldBe($"token-{device} {patient}");
    }
}
