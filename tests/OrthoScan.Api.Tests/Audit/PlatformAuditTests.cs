using System.Net;
using Npgsql;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.PlatformUsers;
using Shouldly;

namespace OrthoScan.Api.Tests.Audit;

/// <summary>
/// The platform audit chain (ADR 0011): every action of finance and platform admins, and the create-platform-user command,
/// leaves a linked row; the chain stays whole under parallel actions, verification names the first row tampered with, the
/// app role may only read and append it, and it never mixes with a practice's audit trail. The chain is one for the whole
/// test database, so each test looks for its own actors' rows, and a test that tampers with a row puts it back.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class PlatformAuditTests(ApiFactory api)
{
    [Fact]
    public async Task A_platform_admin_listing_the_practices_leaves_a_platform_audit_row_naming_who_did_what_and_when()
    {
        var admin = await api.CreatePlatformUserAsync("platform_admin");
        var adminId = await UserIdAsync(admin);

        var before = DateTime.UtcNow;
        await (await api.As(admin).GetAsync("/api/v1/admin/practices")).ShouldBeAsync<PageDto<PracticeSummaryDto>>(HttpStatusCode.OK);
        var after = DateTime.UtcNow;

        var entry = (await ListAsync(admin)).Single(e => e.ActorUserId == adminId && e.Action == "Admin.ListPractices");
        entry.ActorRole.ShouldBe("platform_admin");
        entry.OccurredAt.ShouldBeInRange(before.AddSeconds(-1), after.AddSeconds(1));
        entry.PracticeId.ShouldBeNull();
        entry.Seq.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task A_finance_users_action_is_audited_in_the_platform_chain()
    {
        var finance = await api.CreatePlatformUserAsync("finance");
        var financeId = await UserIdAsync(finance);
        var admin = await api.CreatePlatformUserAsync("platform_admin");

        await (await api.As(finance).PostAsync("/api/v1/auth/logout", null)).ShouldBeEmptyAsync(HttpStatusCode.NoContent);

        var entry = (await ListAsync(admin)).Single(e => e.ActorUserId == financeId);
        entry.ActorRole.ShouldBe("finance");
        entry.Action.ShouldBe("Auth.Logout");
    }

    [Fact]
    public async Task The_create_platform_user_command_leaves_one_cli_row_about_the_new_account_and_a_refused_run_leaves_none()
    {
        var email = TestApi.UniqueEmail("finance");
        (await api.RunCreatePlatformUserAsync("--email", email, "--role", "finance")).ExitCode.ShouldBe(0);
        var userId = await UserIdAsync(email);
        // Taken by a finance user: refused, and nothing of it is written.
        (await api.RunCreatePlatformUserAsync("--email", email, "--role", "platform_admin")).ExitCode.ShouldBe(1);
        var admin = await api.CreatePlatformUserAsync("platform_admin");

        var entry = (await ListAsync(admin)).Single(e => e.ResourceId == userId);
        entry.ActorRole.ShouldBe("cli");
        entry.ActorUserId.ShouldBeNull();
        entry.Action.ShouldBe("Auth.CreatePlatformUser");
        entry.ResourceType.ShouldBe("user");
    }

    [Fact]
    public async Task Twenty_parallel_platform_actions_all_land_in_one_chain_without_gaps_or_forks_and_it_verifies()
    {
        var admin = await api.CreatePlatformUserAsync("platform_admin");
        var adminId = await UserIdAsync(admin);

        var client = api.As(admin);
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.GetAsync("/api/v1/admin/practices")));
        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);

        await using var ownerDb = await Sql.OpenAsync(api.OwnerConnectionString);
        (await ownerDb.ScalarAsync<long>("SELECT count(*) FROM platform_audit_log WHERE actor_user_id = @a AND action = 'Admin.ListPractices'", ("a", adminId)))
            .ShouldBe(20);
        var rows = await ownerDb.ScalarAsync<long>("SELECT count(*) FROM platform_audit_log");
        (await ownerDb.ScalarAsync<long>("SELECT max(seq) FROM platform_audit_log")).ShouldBe(rows, "no gap: positions 1..n");
        (await ownerDb.ScalarAsync<long>("SELECT count(DISTINCT prev_hash) FROM platform_audit_log")).ShouldBe(rows, "no fork: no two rows follow the same link");
        (await ownerDb.ScalarAsync<long>("""
            SELECT count(*) FROM platform_audit_log a JOIN platform_audit_log previous ON previous.seq = a.seq - 1 WHERE a.prev_hash <> previous.hash
            """)).ShouldBe(0);

        var report = await VerifyAsync(admin);
        report.ShouldBe(new PlatformAuditReportDto(true, rows, null));
    }

    [Fact]
    public async Task Verify_names_the_first_row_the_owner_role_altered_or_deleted()
    {
        var admin = await api.CreatePlatformUserAsync("platform_admin");
        var adminId = await UserIdAsync(admin);
        for (var i = 0; i < 3; i++) await (await api.As(admin).GetAsync("/api/v1/admin/practices")).ShouldBeAsync<PageDto<PracticeSummaryDto>>(HttpStatusCode.OK);
        (await VerifyAsync(admin)).Valid.ShouldBeTrue();

        await using var ownerDb = await Sql.OpenAsync(api.OwnerConnectionString);
        var seq = await ownerDb.ScalarAsync<long>(
            "SELECT min(seq) FROM platform_audit_log WHERE actor_user_id = @a AND action = 'Admin.ListPractices'", ("a", adminId));

        (await ownerDb.ExecuteAsync("UPDATE platform_audit_log SET action = 'Admin.Forged' WHERE seq = @s", ("s", seq))).ShouldBe(1);
        var rows = await RowsAsync(ownerDb);
        (await VerifyAsync(admin)).ShouldBe(new PlatformAuditReportDto(false, rows, seq));
        // Put back, the chain holds again (the chain is shared by every test of this database).
        (await ownerDb.ExecuteAsync("UPDATE platform_audit_log SET action = 'Admin.ListPractices' WHERE seq = @s", ("s", seq))).ShouldBe(1);
        (await VerifyAsync(admin)).Valid.ShouldBeTrue();

        await ownerDb.ExecuteAsync("CREATE TEMP TABLE kept AS SELECT * FROM platform_audit_log WHERE seq = @s", ("s", seq));
        (await ownerDb.ExecuteAsync("DELETE FROM platform_audit_log WHERE seq = @s", ("s", seq))).ShouldBe(1);
        rows = await RowsAsync(ownerDb);
        (await VerifyAsync(admin)).ShouldBe(new PlatformAuditReportDto(false, rows, seq));
        (await ownerDb.ExecuteAsync("INSERT INTO platform_audit_log SELECT * FROM kept")).ShouldBe(1);
        (await VerifyAsync(admin)).Valid.ShouldBeTrue();
    }

    [Fact]
    public async Task The_app_role_may_only_read_and_append_the_platform_audit_log_and_never_from_inside_a_practice()
    {
        var owner = await api.RegisterPracticeAsync();
        var admin = await api.CreatePlatformUserAsync("platform_admin");
        await (await api.As(admin).GetAsync("/api/v1/admin/practices")).ShouldBeAsync<PageDto<PracticeSummaryDto>>(HttpStatusCode.OK);

        await using var app = await Sql.OpenAsync(api.AppConnectionString);
        (await app.ScalarAsync<long>("SELECT count(*) FROM platform_audit_log")).ShouldBeGreaterThan(0);
        foreach (var statement in new[] { "UPDATE platform_audit_log SET action = 'forged'", "DELETE FROM platform_audit_log", "TRUNCATE platform_audit_log" })
        {
            var error = await Should.ThrowAsync<PostgresException>(() => app.ExecuteAsync(statement));
            error.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege, statement);
        }

        // A session inside a practice (every practice request) neither sees nor appends platform rows.
        await using var practice = await Sql.OpenAsync(api.AppConnectionString, owner.PracticeId);
        (await practice.ScalarAsync<long>("SELECT count(*) FROM platform_audit_log")).ShouldBe(0);
        var refused = await Should.ThrowAsync<PostgresException>(() => practice.ExecuteAsync("""
            INSERT INTO platform_audit_log (seq, actor_role, action, occurred_at, prev_hash, hash)
            VALUES (1000000, 'owner', 'Forged', now(), '\x00', '\x00')
            """));
        refused.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
    }

    [Fact]
    public async Task Finance_a_practice_owner_and_a_doctor_get_403_on_the_platform_audit_routes()
    {
        var owner = await api.RegisterPracticeAsync();
        var doctor = await api.AddMemberAsync(owner, "doctor");
        var finance = await api.CreatePlatformUserAsync("finance");
        foreach (var caller in new[] { finance, owner, doctor })
        {
            await (await api.As(caller).GetAsync("/api/v1/admin/audit")).ShouldFailAsync(HttpStatusCode.Forbidden);
            await (await api.As(caller).GetAsync("/api/v1/admin/audit/verify")).ShouldFailAsync(HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public async Task Practice_audit_rows_never_appear_in_the_platform_list_and_platform_rows_never_in_the_practice_list()
    {
        var owner = await api.RegisterPracticeAsync();
        var patient = await api.AddPatientAsync(owner);
        await (await api.As(owner).GetAsync($"/api/v1/patients/{patient.Id}")).ShouldBeAsync<PatientDto>(HttpStatusCode.OK);
        var admin = await api.CreatePlatformUserAsync("platform_admin");
        var adminId = await UserIdAsync(admin);
        await (await api.As(admin).GetAsync("/api/v1/admin/practices")).ShouldBeAsync<PageDto<PracticeSummaryDto>>(HttpStatusCode.OK);

        var platform = await ListAsync(admin);
        platform.ShouldContain(e => e.ActorUserId == adminId && e.Action == "Admin.ListPractices");
        platform.ShouldNotContain(e => e.ActorUserId == owner.UserId || e.ResourceId == patient.Id || e.Action.StartsWith("Patients.", StringComparison.Ordinal));

        var practice = await (await api.As(owner).GetAsync("/api/v1/audit?limit=200")).ShouldBeAsync<PageDto<AuditEntryDto>>(HttpStatusCode.OK);
        practice.Items.ShouldContain(e => e.ResourceId == patient.Id && e.Action == "Patients.GetPatient");
        practice.Items.ShouldNotContain(e => e.UserId == adminId || e.Action.StartsWith("Admin.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_list_pages_newest_first_through_the_chain()
    {
        var admin = await api.CreatePlatformUserAsync("platform_admin");
        for (var i = 0; i < 3; i++) await (await api.As(admin).GetAsync("/api/v1/admin/practices")).ShouldBeAsync<PageDto<PracticeSummaryDto>>(HttpStatusCode.OK);

        var first = await (await api.As(admin).GetAsync("/api/v1/admin/audit?limit=2")).ShouldBeAsync<PageDto<PlatformAuditEntryDto>>(HttpStatusCode.OK);
        var second = await (await api.As(admin).GetAsync($"/api/v1/admin/audit?limit=2&cursor={first.NextCursor.ShouldNotBeNull()}"))
            .ShouldBeAsync<PageDto<PlatformAuditEntryDto>>(HttpStatusCode.OK);
        var seqs = first.Items.Concat(second.Items).Select(e => e.Seq).ToList();
        seqs.ShouldBe(seqs.OrderDescending().ToList());
        seqs.ShouldBeUnique();
        seqs.Count.ShouldBe(4);

        await (await api.As(admin).GetAsync("/api/v1/admin/audit?cursor=not-a-cursor")).ShouldFailAsync(HttpStatusCode.BadRequest, "invalid-cursor");
    }

    private async Task<IReadOnlyList<PlatformAuditEntryDto>> ListAsync(Session admin) =>
        (await (await api.As(admin).GetAsync("/api/v1/admin/audit?limit=200")).ShouldBeAsync<PageDto<PlatformAuditEntryDto>>(HttpStatusCode.OK)).Items;

    private async Task<PlatformAuditReportDto> VerifyAsync(Session admin) =>
        await (await api.As(admin).GetAsync("/api/v1/admin/audit/verify")).ShouldBeAsync<PlatformAuditReportDto>(HttpStatusCode.OK);

    private static async Task<long> RowsAsync(NpgsqlConnection ownerDb) => await ownerDb.ScalarAsync<long>("SELECT count(*) FROM platform_audit_log");

    private Task<Guid> UserIdAsync(Session platformUser) => UserIdAsync(platformUser.Email);

    /// <summary>A platform user's session names no user id (it belongs to no practice): read it from its account.</summary>
    private async Task<Guid> UserIdAsync(string email)
    {
        await using var ownerDb = await Sql.OpenAsync(api.OwnerConnectionString);
        return await ownerDb.ScalarAsync<Guid>("SELECT id FROM user_accounts WHERE email = @e", ("e", email));
    }
}
