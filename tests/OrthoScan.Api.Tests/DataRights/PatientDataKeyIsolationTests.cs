using Npgsql;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Scans;
using Shouldly;

namespace OrthoScan.Api.Tests.DataRights;

/// <summary>patient_data_keys as the app role sees it: one practice can neither read, change, destroy nor add another's keys.</summary>
[Collection(ApiCollection.Name)]
public sealed class PatientDataKeyIsolationTests(ApiFactory api)
{
    [Fact]
    public async Task Another_practice_can_neither_read_nor_change_nor_add_a_practices_patient_data_keys()
    {
        var ours = await api.RegisterPracticeAsync("Keys Practice Ours");
        var theirs = await api.RegisterPracticeAsync("Keys Practice Theirs");
        var app = await api.PatientAppAsync(ours, "Keyed");
        await api.SendScanAndWaitAsync(app);

        await using var asOurs = await Sql.OpenAsync(api.AppConnectionString, ours.PracticeId);
        (await asOurs.ScalarAsync<long>("SELECT count(*) FROM patient_data_keys WHERE patient_id = @p AND wrapped_key IS NOT NULL", ("p", app.PatientId)))
            .ShouldBe(1, "the first photo made the patient's key, and only one");

        await using var asTheirs = await Sql.OpenAsync(api.AppConnectionString, theirs.PracticeId);
        (await asTheirs.ScalarAsync<long>("SELECT count(*) FROM patient_data_keys WHERE patient_id = @p", ("p", app.PatientId))).ShouldBe(0);
        (await asTheirs.ScalarAsync<long>("SELECT count(*) FROM patient_data_keys")).ShouldBe(0);
        (await asTheirs.ExecuteAsync("UPDATE patient_data_keys SET wrapped_key = NULL, destroyed_at = now() WHERE patient_id = @p", ("p", app.PatientId))).ShouldBe(0);
        (await Should.ThrowAsync<PostgresException>(() => asTheirs.ExecuteAsync(
                "INSERT INTO patient_data_keys (patient_id, practice_id, wrapped_key, created_at) VALUES (@p, @practice, '\\x01', now())",
                ("p", app.PatientId), ("practice", ours.PracticeId))))
            .SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);

        await using var noPractice = await Sql.OpenAsync(api.AppConnectionString);
        (await noPractice.ScalarAsync<long>("SELECT count(*) FROM patient_data_keys")).ShouldBe(0);
        (await asOurs.ScalarAsync<long>("SELECT count(*) FROM patient_data_keys WHERE patient_id = @p AND wrapped_key IS NOT NULL", ("p", app.PatientId)))
            .ShouldBe(1, "untouched");
    }
}
