using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrthoScan.Api.Infrastructure.Persistence;
using OrthoScan.Api.Infrastructure.Tenancy;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Isolation;

[Collection(ApiCollection.Name)]
public sealed class TenantIsolationTests(ApiFactory api)
{
    // The tables with a practice_id outside tenant RLS: audit_seal_queue, a work queue of ids like jobs (ADR 0007), and
    // platform_audit_log, the platform's own chain, whose practice_id names what an action was about (ADR 0011).
    private const string TenantTablesSql = """
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname NOT IN ('audit_seal_queue', 'platform_audit_log')
          AND (EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'practice_id' AND NOT a.attisdropped)
               OR c.relname = 'practices')
        """;

    [Fact]
    public async Task Every_route_taking_a_patient_id_answers_404_for_another_practice_and_changes_nothing()
    {
        var practiceA = await api.RegisterPracticeAsync("Practice A");
        var practiceB = await api.RegisterPracticeAsync("Practice B");
        var patientOfB = await api.AddPatientAsync(practiceB, "Bea", "Other");
        var id = patientOfB.Id;
        var intruder = api.As(practiceA);

        (await intruder.GetAsync($"/api/v1/patients/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        await (await intruder.PatchAsJsonAsync($"/api/v1/patients/{id}", new { lastName = "Hijacked" })).ShouldFailAsync(HttpStatusCode.NotFound, "not-found");
        await (await intruder.PostAsync($"/api/v1/patients/{id}/archive", null)).ShouldFailAsync(HttpStatusCode.NotFound, "not-found");
        await (await intruder.PostAsJsonAsync($"/api/v1/patients/{id}/invite", new { })).ShouldFailAsync(HttpStatusCode.NotFound, "not-found");

        var unknown = await (await intruder.GetAsync($"/api/v1/patients/{Guid.CreateVersion7()}")).ShouldFailAsync(HttpStatusCode.NotFound);
        var foreign = await (await intruder.GetAsync($"/api/v1/patients/{id}")).ShouldFailAsync(HttpStatusCode.NotFound);
        foreign.Detail.ShouldNotBeNull().ShouldBe(unknown.Detail);

        var afterwards = await (await api.As(practiceB).GetAsync($"/api/v1/patients/{id}")).ShouldBeAsync<PatientDto>(HttpStatusCode.OK);
        afterwards.LastName.ShouldBe("Other");
        afterwards.Status.ShouldBe(PatientStatus.Invited);
        var listA = await (await intruder.GetAsync("/api/v1/patients?search=Bea")).ShouldBeAsync<PageDto<PatientDto>>(HttpStatusCode.OK);
        listA.Items.ShouldBeEmpty();
    }

    [Fact]
    public async Task The_audit_log_of_one_practice_is_invisible_to_another()
    {
        var practiceA = await api.RegisterPracticeAsync();
        var practiceB = await api.RegisterPracticeAsync();
        var patientOfB = await api.AddPatientAsync(practiceB);

        var seenByA = await (await api.As(practiceA).GetAsync($"/api/v1/audit?resourceId={patientOfB.Id}")).ShouldBeAsync<PageDto<AuditEntryDto>>(HttpStatusCode.OK);
        seenByA.Items.ShouldBeEmpty();
    }

    [Fact]
    public async Task The_app_role_sees_no_rows_of_a_practice_unless_that_practice_is_set()
    {
        var practiceA = await api.RegisterPracticeAsync();
        await api.AddPatientAsync(practiceA);
        var practiceB = await api.RegisterPracticeAsync();

        await using var asA = await Sql.OpenAsync(api.AppConnectionString, practiceA.PracticeId);
        var tables = await asA.ColumnAsync(TenantTablesSql);
        tables.ShouldContain("patients");
        (await asA.ScalarAsync<long>("SELECT count(*) FROM patients")).ShouldBeGreaterThan(0);

        await using var asB = await Sql.OpenAsync(api.AppConnectionString, practiceB.PracticeId);
        await using var asNobody = await Sql.OpenAsync(api.AppConnectionString);
        foreach (var table in tables)
        {
            var column = table == "practices" ? "id" : "practice_id";
            (await asB.ScalarAsync<long>($"SELECT count(*) FROM {table} WHERE {column} = @a", ("a", practiceA.PracticeId)))
                .ShouldBe(0, $"{table} as another practice");
            (await asNobody.ScalarAsync<long>($"SELECT count(*) FROM {table}")).ShouldBe(0, $"{table} with no practice set");
        }
    }

    [Fact]
    public async Task The_app_role_cannot_write_rows_into_another_practice()
    {
        var practiceA = await api.RegisterPracticeAsync();
        var practiceB = await api.RegisterPracticeAsync();
        var patientOfA = await api.AddPatientAsync(practiceA);

        await using var asB = await Sql.OpenAsync(api.AppConnectionString, practiceB.PracticeId);
        (await asB.ExecuteAsync("UPDATE patients SET last_name = 'x' WHERE id = @id", ("id", patientOfA.Id))).ShouldBe(0);
        var error = await Should.ThrowAsync<PostgresException>(() => asB.ExecuteAsync(
            "INSERT INTO message_threads (id, practice_id, patient_id, created_at) VALUES (gen_random_uuid(), @a, @p, now())",
            ("a", practiceA.PracticeId), ("p", patientOfA.Id)));
        error.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
    }

    [Fact]
    public async Task A_row_of_one_practice_can_never_point_at_another_practices_row()
    {
        // Foreign keys are checked without row-level security: only the composite (practice_id, id) keys stop this.
        var practiceA = await api.RegisterPracticeAsync();
        var practiceB = await api.RegisterPracticeAsync();
        var patientOfA = (await api.AddPatientAsync(practiceA)).Id;

        await using var asB = await Sql.OpenAsync(api.AppConnectionString, practiceB.PracticeId);
        var thread = await Should.ThrowAsync<PostgresException>(() => asB.ExecuteAsync(
            "INSERT INTO message_threads (id, practice_id, patient_id, created_at) VALUES (gen_random_uuid(), @b, @p, now())",
            ("b", practiceB.PracticeId), ("p", patientOfA)));
        thread.SqlState.ShouldBe(PostgresErrorCodes.ForeignKeyViolation);
        var session = await Should.ThrowAsync<PostgresException>(() => asB.ExecuteAsync("""
            INSERT INTO scan_sessions (id, practice_id, patient_id, aligner_number, idempotency_key, request_hash, status, image_count, created_at)
            VALUES (gen_random_uuid(), @b, @p, 1, 'forged', '\x00', 'pending', 5, now())
            """, ("b", practiceB.PracticeId), ("p", patientOfA)));
        session.SqlState.ShouldBe(PostgresErrorCodes.ForeignKeyViolation);
    }

    [Fact]
    public async Task Every_reference_between_tenant_tables_is_also_a_key_on_the_practice()
    {
        await using var owner = await Sql.OpenAsync(api.OwnerConnectionString);
        var unscoped = await owner.ColumnAsync($"""
            SELECT c.conrelid::regclass::text || '.' || a.attname FROM pg_constraint c
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            WHERE c.contype = 'f' AND array_length(c.conkey, 1) = 1
              AND c.conrelid::regclass::text IN ({TenantTablesSql}) AND c.confrelid::regclass::text IN ({TenantTablesSql})
              AND c.confrelid::regclass::text <> 'practices'
              AND NOT EXISTS (
                SELECT 1 FROM pg_constraint s JOIN pg_attribute sa ON sa.attrelid = s.conrelid AND sa.attnum = ANY (s.conkey)
                WHERE s.contype = 'f' AND s.conrelid = c.conrelid AND s.confrelid = c.confrelid AND array_length(s.conkey, 1) = 2
                  AND sa.attname = a.attname)
            """);
        unscoped.ShouldBeEmpty();
        (await owner.ScalarAsync<long>("SELECT count(*) FROM pg_constraint WHERE conname LIKE 'fk\\_%\\_same\\_practice'")).ShouldBeGreaterThanOrEqualTo(8);
    }

    [Fact]
    public async Task The_app_role_is_neither_owner_nor_superuser_nor_exempt_from_row_security()
    {
        await using var app = await Sql.OpenAsync(api.AppConnectionString);
        (await app.ScalarAsync<bool>("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).ShouldBeFalse();
        (await app.ScalarAsync<bool>("SELECT rolbypassrls FROM pg_roles WHERE rolname = current_user")).ShouldBeFalse();
        (await app.ScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user")).ShouldBe(0);
        (await app.ScalarAsync<bool>("SELECT pg_has_role(current_user, 'orthoscan_owner', 'MEMBER')")).ShouldBeFalse();
    }

    [Fact]
    public async Task Every_table_with_a_practice_id_has_forced_row_level_security_and_policies()
    {
        await using var owner = await Sql.OpenAsync(api.OwnerConnectionString);
        var unprotected = await owner.ColumnAsync($"""
            SELECT t.relname FROM ({TenantTablesSql.Replace("SELECT c.relname", "SELECT c.relname, c.oid, c.relrowsecurity, c.relforcerowsecurity", StringComparison.Ordinal)}) t
            WHERE NOT t.relrowsecurity OR NOT t.relforcerowsecurity
               OR NOT EXISTS (SELECT 1 FROM pg_policies p WHERE p.tablename = t.relname AND p.cmd = 'SELECT')
               OR NOT EXISTS (SELECT 1 FROM pg_policies p WHERE p.tablename = t.relname AND p.cmd = 'INSERT')
            """);
        unprotected.ShouldBeEmpty();
        (await owner.ColumnAsync(TenantTablesSql)).Count.ShouldBeGreaterThanOrEqualTo(9);
    }

    [Fact]
    public async Task A_pooled_connection_used_for_one_practice_carries_nothing_into_the_next_use()
    {
        var practiceA = await api.RegisterPracticeAsync();
        await api.AddPatientAsync(practiceA);
        // One physical connection, so the second use is certainly the same backend.
        var singleConnection = new NpgsqlConnectionStringBuilder(api.AppConnectionString) { MaxPoolSize = 1, ApplicationName = "pool-test" }.ConnectionString;

        int firstBackend;
        using (var scope = api.Services.CreateScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<RequestContext>();
            await scope.ServiceProvider.GetRequiredService<TenantScope>().EnterPracticeAsync(practiceA.PracticeId, practiceA.UserId, Domain.Role.Owner, default);
            await using var db = NewContext(singleConnection, context);
            (await db.Patients.CountAsync()).ShouldBe(1);
            firstBackend = await db.Database.SqlQueryRaw<int>("SELECT pg_backend_pid() AS \"Value\"").SingleAsync();
        }

        await using (var next = NewContext(singleConnection, new RequestContext()))
        {
            (await next.Database.SqlQueryRaw<int>("SELECT pg_backend_pid() AS \"Value\"").SingleAsync()).ShouldBe(firstBackend);
            (await next.Patients.IgnoreQueryFilters().CountAsync()).ShouldBe(0);
            (await next.Database.SqlQueryRaw<string>("SELECT coalesce(current_setting('app.practice_id', true), '') AS \"Value\"").SingleAsync()).ShouldBe("");
        }

        // And a raw session setting left behind by a careless caller is discarded when the connection goes back to the pool.
        await using (var raw = await Sql.OpenAsync(singleConnection, practiceA.PracticeId)) { }
        await using var after = await Sql.OpenAsync(singleConnection);
        (await after.ScalarAsync<long>("SELECT count(*) FROM patients")).ShouldBe(0);
    }

    private static AppDbContext NewContext(string connectionString, RequestContext context) =>
        new(new DbContextOptionsBuilder<AppDbContext>().UseNpgsql(connectionString).UseSnakeCaseNamingConvention()
            .AddInterceptors(new TenantConnectionInterceptor(context)).Options, context);
}
