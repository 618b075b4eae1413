using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrthoScan.Api.Domain;
using OrthoScan.Api.Infrastructure.Audit;
using OrthoScan.Api.Infrastructure.Persistence;
using OrthoScan.Api.Infrastructure.Pipeline;
using OrthoScan.Api.Infrastructure.Tenancy;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Audit;

/// <summary>
/// The chain is built off the request path: requests append rows without a lock, the sealer (worker role) chains them.
/// These tests prove requests of one practice do not wait for each other, and that what the sealer builds verifies.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AuditSealingTests(ApiFactory api)
{
    [Fact]
    public async Task Thirty_two_parallel_audited_reads_of_one_practice_all_succeed_and_add_exactly_32_links_without_gaps()
    {
        var owner = await api.RegisterPracticeAsync();
        var id = (await api.AddPatientAsync(owner)).Id;
        var before = (await api.VerifyWhenSealedAsync(owner)).CheckedEntries;

        var client = api.As(owner);
        var responses = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => client.GetAsync($"/api/v1/patients/{id}")));
        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);

        var after = await api.VerifyWhenSealedAsync(owner);
        after.Valid.ShouldBeTrue(after.ToString());
        after.CheckedEntries.ShouldBe(before + 32);
        await using var ownerDb = await Sql.OpenAsync(api.OwnerConnectionString, owner.PracticeId);
        var reads = await ownerDb.ColumnAsync(
            "SELECT s.seq::text FROM audit_seals s JOIN audit_log a ON a.id = s.audit_id WHERE a.action = 'Patients.GetPatient' ORDER BY s.seq");
        reads.Select(long.Parse).ShouldBe(Enumerable.Range(1, 32).Select(i => before + i));
    }

    [Fact]
    public async Task An_open_transaction_holding_an_audit_row_does_not_hold_up_another_audited_request_of_the_practice()
    {
        var owner = await api.RegisterPracticeAsync();
        var id = (await api.AddPatientAsync(owner)).Id;
        await api.VerifyWhenSealedAsync(owner);

        using var scope = api.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<TenantScope>().EnterPracticeAsync(owner.PracticeId, owner.UserId, Domain.Role.Owner, default);
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await using var held = await db.Database.BeginTransactionAsync();
        await scope.ServiceProvider.GetRequiredService<AuditWriter>().WriteAsync("Test.HeldOpen", new AuditRecord("patient", id), default);

        // A practice-wide lock taken by the row above would keep this read waiting until that transaction ends.
        var read = await api.As(owner).GetAsync($"/api/v1/patients/{id}").WaitAsync(TimeSpan.FromSeconds(15));
        await read.ShouldBeAsync<PatientDto>(HttpStatusCode.OK);
        var readSeq = Seq((await api.EntriesWhenSealedAsync(owner, id)).Single(e => Action(e) == "Patients.GetPatient"));

        // The held row has the lower id but commits after the read was sealed: it takes the next place, nothing is skipped.
        await held.CommitAsync();
        var report = await api.VerifyWhenSealedAsync(owner);
        report.Valid.ShouldBeTrue(report.ToString());
        var entries = await api.EntriesWhenSealedAsync(owner, id);
        var heldEntry = entries.Single(e => Action(e) == "Test.HeldOpen");
        var readEntry = entries.Single(e => Action(e) == "Patients.GetPatient");
        heldEntry.Id.ShouldBeLessThan(readEntry.Id);
        Seq(heldEntry).ShouldBe(readSeq + 1);
    }

    [Fact]
    public async Task An_unsealed_row_is_reported_and_breaks_verification_only_once_it_is_older_than_the_grace_period()
    {
        var owner = await api.RegisterPracticeAsync();
        await api.AddPatientAsync(owner);
        var sealedSoFar = (await api.VerifyWhenSealedAsync(owner)).CheckedEntries;

        await SlipPastTheSealerAsync(owner.PracticeId, "now()");
        var fresh = await VerifyAsync(owner);
        fresh.Valid.ShouldBeTrue(fresh.ToString());
        fresh.UnsealedEntries.ShouldBe(1);
        fresh.CheckedEntries.ShouldBe(sealedSoFar);

        await SlipPastTheSealerAsync(owner.PracticeId, "now() - interval '1 hour'");
        var overdue = await VerifyAsync(owner);
        overdue.Valid.ShouldBeFalse();
        overdue.UnsealedEntries.ShouldBe(2);
        overdue.FirstBrokenSeq.ShouldBeNull();
        overdue.Problem.ShouldNotBeNull().ShouldContain("older than 00:05:00: 1.");
    }

    [Fact]
    public async Task A_row_sealed_twice_breaks_verification_at_the_second_link()
    {
        var owner = await api.RegisterPracticeAsync();
        await api.AddPatientAsync(owner);
        var head = (await api.VerifyWhenSealedAsync(owner)).CheckedEntries;

        await using var ownerDb = await Sql.OpenAsync(api.OwnerConnectionString, owner.PracticeId);
        // Only someone who can drop the unique index can link a row twice; the index comes back below.
        await ownerDb.ExecuteAsync("DROP INDEX ix_audit_seals_audit_id");
        try
        {
            var (first, headHash) = await FirstRowAndHeadHashAsync(ownerDb, head);
            var seq = head + 1;
            await ownerDb.ExecuteAsync("INSERT INTO audit_seals (practice_id, seq, audit_id, prev_hash, hash, sealed_at) VALUES (@p, @s, @a, @prev, @hash, now())",
                ("p", owner.PracticeId), ("s", seq), ("a", first.Id), ("prev", headHash), ("hash", AuditChain.ComputeHash(first, seq, headHash)));

            var broken = await VerifyAsync(owner);
            broken.Valid.ShouldBeFalse();
            broken.FirstBrokenSeq.ShouldBe(seq);
            broken.Problem.ShouldNotBeNull().ShouldContain("sealed twice");
        }
        finally
        {
            await ownerDb.ExecuteAsync("DELETE FROM audit_seals WHERE seq > @h", ("h", head));
            await ownerDb.ExecuteAsync("CREATE UNIQUE INDEX ix_audit_seals_audit_id ON audit_seals (audit_id)");
        }
    }

    [Fact]
    public async Task A_practice_can_neither_see_nor_add_the_seals_of_another()
    {
        var practiceA = await api.RegisterPracticeAsync();
        var practiceB = await api.RegisterPracticeAsync();
        await api.AddPatientAsync(practiceB);
        var sealedB = (await api.VerifyWhenSealedAsync(practiceB)).CheckedEntries;
        var sealedA = (await api.VerifyWhenSealedAsync(practiceA)).CheckedEntries;

        await using var asA = await Sql.OpenAsync(api.AppConnectionString, practiceA.PracticeId);
        (await asA.ScalarAsync<long>("SELECT count(*) FROM audit_seals WHERE practice_id = @b", ("b", practiceB.PracticeId))).ShouldBe(0);
        (await asA.ScalarAsync<long>("SELECT count(*) FROM audit_seals")).ShouldBe(sealedA);
        var forged = await Should.ThrowAsync<PostgresException>(() => asA.ExecuteAsync(
            "INSERT INTO audit_seals (practice_id, seq, audit_id, prev_hash, hash, sealed_at) VALUES (@b, 1000, 1000000000, '\\x00', '\\x00', now())",
            ("b", practiceB.PracticeId)));
        forged.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);

        (await api.VerifyWhenSealedAsync(practiceB)).CheckedEntries.ShouldBe(sealedB);
    }

    /// <summary>An audit row the sealer never hears of: written with its queue entry removed in the same transaction,
    /// as someone with the owner's rights (or an app session deleting queue entries) could do.</summary>
    private async Task SlipPastTheSealerAsync(Guid practiceId, string occurredAt)
    {
        await using var ownerDb = await Sql.OpenAsync(api.OwnerConnectionString, practiceId);
        await using var transaction = await ownerDb.BeginTransactionAsync();
        var id = await ownerDb.ScalarAsync<long>($"INSERT INTO audit_log (practice_id, action, occurred_at) VALUES (@p, 'Test.Slipped', {occurredAt}) RETURNING id",
            ("p", practiceId));
        (await ownerDb.ExecuteAsync("DELETE FROM audit_seal_queue WHERE @id = ANY(audit_ids)", ("id", id))).ShouldBe(1);
        await transaction.CommitAsync();
    }

    private static async Task<(AuditEntry First, byte[] HeadHash)> FirstRowAndHeadHashAsync(NpgsqlConnection ownerDb, long head)
    {
        await using var command = new NpgsqlCommand("""
            SELECT a.id, a.practice_id, a.user_id, a.actor_role, a.action, a.resource_type, a.resource_id, a.ip_address, a.occurred_at,
                   (SELECT hash FROM audit_seals WHERE seq = @head)
            FROM audit_seals s JOIN audit_log a ON a.id = s.audit_id WHERE s.seq = 1
            """, ownerDb);
        command.Parameters.AddWithValue("head", head);
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue();
        var entry = new AuditEntry
        {
            Id = reader.GetInt64(0),
            PracticeId = reader.GetGuid(1),
            UserId = reader.IsDBNull(2) ? null : reader.GetGuid(2),
            ActorRole = reader.IsDBNull(3) ? null : reader.GetString(3),
            Action = reader.GetString(4),
            ResourceType = reader.IsDBNull(5) ? null : reader.GetString(5),
            ResourceId = reader.IsDBNull(6) ? null : reader.GetGuid(6),
            IpAddress = reader.IsDBNull(7) ? null : reader.GetString(7),
            OccurredAt = DateTime.SpecifyKind(reader.GetDateTime(8), DateTimeKind.Utc),
        };
        return (entry, (byte[])reader.GetValue(9));
    }

    private async Task<AuditChainReportDto> VerifyAsync(Session owner) =>
        await (await api.As(owner).GetAsync("/api/v1/audit/verify")).ShouldBeAsync<AuditChainReportDto>(HttpStatusCode.OK);

    private static long Seq(AuditEntryDto entry) => entry.Seq.ShouldNotBeNull();

    private static string Action(AuditEntryDto entry) => entry.Action;
}
