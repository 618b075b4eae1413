using System.Net;
using System.Net.Http.Json;
using Npgsql;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Audit;

[Collection(ApiCollection.Name)]
public sealed class AuditTrailTests(ApiFactory api)
{
    [Fact]
    public async Task Each_read_or_change_of_a_patient_writes_exactly_one_entry()
    {
        var owner = await api.RegisterPracticeAsync();
        var id = (await api.AddPatientAsync(owner)).Id;

        (await EntriesForAsync(owner, id)).Select(Action).ShouldBe(["Patients.CreatePatient"]);

        await (await api.As(owner).GetAsync($"/api/v1/patients/{id}")).ShouldBeAsync<PatientDto>(HttpStatusCode.OK);
        await (await api.As(owner).PatchAsJsonAsync($"/api/v1/patients/{id}", new { currentStage = 3 })).ShouldBeAsync<PatientDto>(HttpStatusCode.OK);
        await (await api.As(owner).PostAsJsonAsync($"/api/v1/patients/{id}/invite", new { })).ShouldBeAsync<PatientInvitationDto>(HttpStatusCode.OK);

        var entries = await EntriesForAsync(owner, id);
        entries.Select(Action).ShouldBe(["Patients.InvitePatient", "Patients.UpdatePatient", "Patients.GetPatient", "Patients.CreatePatient"]);
        entries.ShouldAllBe(e => e.UserId == owner.UserId);
        entries.ShouldAllBe(e => e.ActorRole == "owner");

        // Listed at once, chained a moment later: each entry then has its own place in the practice's chain.
        var seqs = (await api.EntriesWhenSealedAsync(owner, id)).Select(e => e.Seq.ShouldNotBeNull()).ToList();
        seqs.Distinct().Count().ShouldBe(4);
    }

    [Fact]
    public async Task Listing_patients_is_audited_once_per_request()
    {
        var owner = await api.RegisterPracticeAsync();
        await api.AddPatientAsync(owner);
        await (await api.As(owner).GetAsync("/api/v1/patients")).ShouldBeAsync<PageDto<PatientDto>>(HttpStatusCode.OK);

        var page = await (await api.As(owner).GetAsync("/api/v1/audit?resourceType=patient")).ShouldBeAsync<PageDto<AuditEntryDto>>(HttpStatusCode.OK);
        page.Items.Count(e => Action(e) == "Patients.ListPatients").ShouldBe(1);
    }

    [Fact]
    public async Task A_refused_change_leaves_no_entry()
    {
        var owner = await api.RegisterPracticeAsync();
        var id = (await api.AddPatientAsync(owner)).Id;
        await (await api.As(owner).PatchAsJsonAsync($"/api/v1/patients/{id}", new { currentStage = 99, totalStages = 20 }))
            .ShouldFailAsync(HttpStatusCode.UnprocessableEntity);
        (await EntriesForAsync(owner, id)).Count.ShouldBe(1);

        var report = await api.VerifyWhenSealedAsync(owner);
        report.Valid.ShouldBeTrue();
        await using var app = await Sql.OpenAsync(api.AppConnectionString, owner.PracticeId);
        (await app.ScalarAsync<long>("SELECT count(*) FROM audit_seal_queue WHERE practice_id = @p", ("p", owner.PracticeId))).ShouldBe(0);
    }

    [Fact]
    public async Task The_app_role_cannot_update_delete_or_truncate_the_audit_log_or_its_seals()
    {
        var owner = await api.RegisterPracticeAsync();
        await api.AddPatientAsync(owner);
        await api.VerifyWhenSealedAsync(owner);
        await using var app = await Sql.OpenAsync(api.AppConnectionString, owner.PracticeId);
        (await app.ScalarAsync<long>("SELECT count(*) FROM audit_log")).ShouldBeGreaterThan(0);
        (await app.ScalarAsync<long>("SELECT count(*) FROM audit_seals")).ShouldBeGreaterThan(0);

        foreach (var statement in new[]
                 {
                     "UPDATE audit_log SET action = 'forged'", "DELETE FROM audit_log", "TRUNCATE audit_log",
                     "UPDATE audit_seals SET hash = prev_hash", "DELETE FROM audit_seals", "TRUNCATE audit_seals",
                 })
        {
            var error = await Should.ThrowAsync<PostgresException>(() => app.ExecuteAsync(statement));
            error.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege, statement);
        }
    }

    [Fact]
    public async Task Verify_reports_an_intact_chain_and_then_the_first_sealed_row_the_owner_role_altered()
    {
        var owner = await api.RegisterPracticeAsync();
        var id = (await api.AddPatientAsync(owner)).Id;
        for (var i = 0; i < 3; i++) await (await api.As(owner).GetAsync($"/api/v1/patients/{id}")).ShouldBeAsync<PatientDto>(HttpStatusCode.OK);

        var intact = await api.VerifyWhenSealedAsync(owner);
        intact.Valid.ShouldBeTrue();
        intact.CheckedEntries.ShouldBeGreaterThanOrEqualTo(5);

        await using (var ownerDb = await Sql.OpenAsync(api.OwnerConnectionString, owner.PracticeId))
        {
            (await ownerDb.ExecuteAsync("UPDATE audit_log SET ip_address = '10.9.9.9' WHERE id = (SELECT audit_id FROM audit_seals WHERE seq = 3)")).ShouldBe(1);
        }

        var broken = await VerifyAsync(owner);
        broken.Valid.ShouldBeFalse();
        broken.FirstBrokenSeq.ShouldBe(3);
        broken.Problem.ShouldNotBeNull().ShouldContain("altered");
    }

    [Fact]
    public async Task Verify_catches_a_deleted_sealed_row()
    {
        var owner = await api.RegisterPracticeAsync();
        var patient = await api.AddPatientAsync(owner);
        for (var i = 0; i < 2; i++) await (await api.As(owner).GetAsync($"/api/v1/patients/{patient.Id}")).ShouldBeAsync<PatientDto>(HttpStatusCode.OK);
        await api.VerifyWhenSealedAsync(owner);

        await using (var ownerDb = await Sql.OpenAsync(api.OwnerConnectionString, owner.PracticeId))
        {
            (await ownerDb.ExecuteAsync("DELETE FROM audit_log WHERE id = (SELECT audit_id FROM audit_seals WHERE seq = 2)")).ShouldBe(1);
        }

        var broken = await VerifyAsync(owner);
        broken.Valid.ShouldBeFalse();
        broken.FirstBrokenSeq.ShouldBe(2);
        broken.Problem.ShouldNotBeNull().ShouldContain("deleted");
    }

    [Fact]
    public async Task Verify_catches_a_deleted_link()
    {
        var owner = await api.RegisterPracticeAsync();
        var patient = await api.AddPatientAsync(owner);
        for (var i = 0; i < 2; i++) await (await api.As(owner).GetAsync($"/api/v1/patients/{patient.Id}")).ShouldBeAsync<PatientDto>(HttpStatusCode.OK);
        await api.VerifyWhenSealedAsync(owner);

        await using (var ownerDb = await Sql.OpenAsync(api.OwnerConnectionString, owner.PracticeId))
        {
            (await ownerDb.ExecuteAsync("DELETE FROM audit_seals WHERE seq = 2")).ShouldBe(1);
        }

        var broken = await VerifyAsync(owner);
        broken.Valid.ShouldBeFalse();
        broken.FirstBrokenSeq.ShouldBe(2);
        broken.Problem.ShouldNotBeNull().ShouldContain("missing");
    }

    [Fact]
    public async Task Only_the_owner_reads_the_audit_log()
    {
        var owner = await api.RegisterPracticeAsync();
        var doctor = await api.AddMemberAsync(owner, "doctor");
        await (await api.As(doctor).GetAsync("/api/v1/audit")).ShouldFailAsync(HttpStatusCode.Forbidden);
        await (await api.As(doctor).GetAsync("/api/v1/audit/verify")).ShouldFailAsync(HttpStatusCode.Forbidden);
    }

    private async Task<AuditChainReportDto> VerifyAsync(Session owner) =>
        await (await api.As(owner).GetAsync("/api/v1/audit/verify")).ShouldBeAsync<AuditChainReportDto>(HttpStatusCode.OK);

    private async Task<IReadOnlyList<AuditEntryDto>> EntriesForAsync(Session owner, Guid resourceId)
    {
        var page = await (await api.As(owner).GetAsync($"/api/v1/audit?resourceId={resourceId}")).ShouldBeAsync<PageDto<AuditEntryDto>>(HttpStatusCode.OK);
        return page.Items;
    }

    private static string Action(AuditEntryDto entry) => entry.Action;
}
