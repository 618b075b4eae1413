using System.Net.Http.Json;
using Npgsql;
using OrthoScan.Api.Infrastructure.Persistence;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.PlatformUsers;

/// <summary>
/// The platform read path (ADR 0009): the app role, with no practice set, gets per-practice aggregates from a function
/// owned by the NOLOGIN platform role, and nothing else: no column or value that identifies a patient, no tenant row,
/// no way to become that role, and that role itself can only read the tables it aggregates.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class PlatformReadPathTests(ApiFactory api)
{
    private const string Overview = $"SELECT * FROM {PlatformReadSql.PracticeOverview}()";

    /// <summary>Column names that would identify a patient (or a person) in a platform read.</summary>
    private static readonly string[] DeniedColumnParts =
        ["patient_id", "first_name", "last_name", "email", "phone", "birth", "address", "device", "ip_address", "user_id", "note", "content", "key"];

    [Fact]
    public async Task The_practice_overview_answers_aggregates_with_no_column_or_value_that_identifies_a_patient()
    {
        var owner = await api.RegisterPracticeAsync("Overview Practice " + Guid.NewGuid().ToString("N")[..6]);
        var patient = await api.AddPatientAsync(owner, "Zebediah", "Quartermaine");

        await using var app = await Sql.OpenAsync(api.AppConnectionString);
        var (columns, rows) = await ReadAllAsync(app, Overview);

        columns.Select(c => c.Name).ShouldBe([
            "practice_id", "practice_name", "subscription_tier", "status", "created_at", "active_patients", "scans_last_7_days",
            "scans_last_28_days", "tagged_within_14_days", "tagging_rate"]);
        columns.Where(c => DeniedColumnParts.Any(part => c.Name.Contains(part, StringComparison.Ordinal))).ShouldBeEmpty();
        columns.Where(c => c.Type == "uuid").Select(c => c.Name).ShouldBe(["practice_id"], "the practice's id is the only id it answers");
        columns.Where(c => c.Type is "bytea" or "json" or "jsonb" || c.Type.EndsWith("[]", StringComparison.Ordinal)).ShouldBeEmpty();

        var ours = rows.Single(r => (Guid)r[0]! == owner.PracticeId);
        ours[1].ShouldBe(await PracticeNameAsync(owner.PracticeId));
        var cells = rows.SelectMany(r => r).Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToList();
        foreach (var identifying in new[] { patient.Id.ToString(), patient.FirstName, patient.LastName, "ada@example.com" })
            cells.Where(c => c.Contains(identifying, StringComparison.OrdinalIgnoreCase)).ShouldBeEmpty($"{identifying} in the overview");
    }

    [Theory]
    [InlineData(PlatformReadSql.DiscountProposals, "SELECT * FROM platform_discount_proposals()")]
    [InlineData(PlatformReadSql.DecideDiscount, "SELECT * FROM platform_decide_discount(@id, 'adjusted', 7.5, 'Reason.', @by, now())")]
    public async Task The_finance_functions_answer_no_column_or_value_that_identifies_a_patient(string function, string call)
    {
        var owner = await api.RegisterPracticeAsync("Finance Path Practice " + Guid.NewGuid().ToString("N")[..6]);
        var patient = await api.AddPatientAsync(owner, "Ottilie", "Vanderbilt");
        var proposal = Guid.CreateVersion7();
        await using (var asOwner = await Sql.OpenAsync(api.OwnerConnectionString, owner.PracticeId))
            await asOwner.ExecuteAsync("""
                INSERT INTO discount_proposals (id, practice_id, period_start, period_end, sessions_received, sessions_tagged, rate, proposed_percent, status, created_at)
                VALUES (@id, @p, '2000-01-01Z', '2000-02-01Z', 4, 3, 0.75, 10, 'proposed', now())
                """, ("id", proposal), ("p", owner.PracticeId));

        await using var app = await Sql.OpenAsync(api.AppConnectionString);
        var (columns, rows) = await ReadAllAsync(app, call, ("id", proposal), ("by", Guid.NewGuid()));

        columns.Where(c => DeniedColumnParts.Any(part => c.Name.Contains(part, StringComparison.Ordinal))).ShouldBeEmpty(function);
        columns.Where(c => c.Type == "uuid").Select(c => c.Name).ShouldBe(["id", "practice_id"], "the proposal's and the practice's ids are the only ids it answers");
        columns.Where(c => c.Type is "bytea" or "json" or "jsonb" || c.Type.EndsWith("[]", StringComparison.Ordinal)).ShouldBeEmpty(function);
        rows.ShouldContain(r => (Guid)r[0]! == proposal, function);
        var cells = rows.SelectMany(r => r).Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToList();
        foreach (var identifying in new[] { patient.Id.ToString(), patient.FirstName, patient.LastName })
            cells.Where(c => c.Contains(identifying, StringComparison.OrdinalIgnoreCase)).ShouldBeEmpty($"{identifying} in {function}");
    }

    [Fact]
    public async Task The_subscription_overview_answers_plan_and_state_with_no_patient_no_billing_email_and_no_stripe_id()
    {
        var owner = await api.RegisterPracticeAsync("Subscription Path Practice " + Guid.NewGuid().ToString("N")[..6]);
        var patient = await api.AddPatientAsync(owner, "Philippa", "Montgomery");
        await using (var asOwner = await Sql.OpenAsync(api.OwnerConnectionString, owner.PracticeId))
            await asOwner.ExecuteAsync("""
                INSERT INTO practice_subscriptions (id, practice_id, plan, status, provider, stripe_customer_id, stripe_subscription_id, created_at, updated_at)
                VALUES (@id, @p, 'starter', 'past_due', 'stripe', 'cus_secretcustomer', 'sub_secretsubscription', now(), now())
                """, ("id", Guid.CreateVersion7()), ("p", owner.PracticeId));

        await using var app = await Sql.OpenAsync(api.AppConnectionString);
        var (columns, rows) = await ReadAllAsync(app, $"SELECT * FROM {PlatformReadSql.SubscriptionOverview}()");

        columns.Select(c => c.Name).ShouldBe(["practice_id", "practice_name", "plan", "status", "past_due_since"]);
        columns.Where(c => DeniedColumnParts.Any(part => c.Name.Contains(part, StringComparison.Ordinal))).ShouldBeEmpty();
        rows.Single(r => (Guid)r[0]! == owner.PracticeId).Skip(2).Take(2).ShouldBe(["starter", "past_due"]);
        var cells = rows.SelectMany(r => r).Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToList();
        foreach (var secret in new[] { patient.Id.ToString(), patient.FirstName, patient.LastName, "cus_secretcustomer", "sub_secretsubscription", "@" })
            cells.Where(c => c.Contains(secret, StringComparison.OrdinalIgnoreCase)).ShouldBeEmpty($"{secret} in the subscription overview");
    }

    [Fact]
    public async Task The_overview_counts_a_practices_active_patients_and_scans_while_the_app_role_still_sees_no_tenant_row()
    {
        var owner = await api.RegisterPracticeAsync();
        await api.AddPatientAsync(owner);
        await using (var asOwner = await Sql.OpenAsync(api.AppConnectionString, owner.PracticeId))
            await asOwner.ExecuteAsync("UPDATE patients SET status = 'active'");

        await using var app = await Sql.OpenAsync(api.AppConnectionString);
        (await app.ScalarAsync<long>($"SELECT active_patients FROM {PlatformReadSql.PracticeOverview}() WHERE practice_id = @p", ("p", owner.PracticeId))).ShouldBe(1);
        (await app.ScalarAsync<long>($"SELECT scans_last_28_days FROM {PlatformReadSql.PracticeOverview}() WHERE practice_id = @p", ("p", owner.PracticeId))).ShouldBe(0);
        foreach (var table in new[] { "practices", "patients", "scan_sessions", "tag_sets" })
            (await app.ScalarAsync<long>($"SELECT count(*) FROM {table}")).ShouldBe(0, $"{table} without the tenant setting");
    }

    [Fact]
    public async Task The_app_role_cannot_become_the_platform_role_which_cannot_log_in_and_only_reads_what_it_aggregates()
    {
        var owner = await api.RegisterPracticeAsync();
        var patient = await api.AddPatientAsync(owner);

        await using var app = await Sql.OpenAsync(api.AppConnectionString);
        (await Should.ThrowAsync<PostgresException>(() => app.ExecuteAsync($"SET ROLE {PlatformReadSql.PlatformRole}"))).SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
        (await app.ScalarAsync<bool>($"SELECT pg_has_role(current_user, '{PlatformReadSql.PlatformRole}', 'MEMBER')")).ShouldBeFalse();

        await using var owning = await Sql.OpenAsync(api.OwnerConnectionString);
        (await owning.ScalarAsync<bool>($"SELECT rolcanlogin OR rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb FROM pg_roles WHERE rolname = '{PlatformReadSql.PlatformRole}'")).ShouldBeFalse();
        (await owning.ScalarAsync<string>($"SELECT pg_get_userbyid(proowner)::text || ' ' || prosecdef FROM pg_proc WHERE proname = '{PlatformReadSql.PracticeOverview}'"))
            .ShouldBe($"{PlatformReadSql.PlatformRole} true");
        (await owning.ScalarAsync<bool>($"SELECT has_function_privilege('public', '{PlatformReadSql.PracticeOverview}()', 'EXECUTE')")).ShouldBeFalse();
        (await owning.ScalarAsync<long>($"SELECT count(*) FROM information_schema.role_table_grants WHERE grantee = '{PlatformReadSql.PlatformRole}' AND privilege_type <> 'SELECT'")).ShouldBe(0);
        (await owning.ColumnAsync($"SELECT table_name::text FROM information_schema.role_table_grants WHERE grantee = '{PlatformReadSql.PlatformRole}' ORDER BY 1"))
            .ShouldBe(["discount_proposals", "patients", "practice_subscriptions", "practices", "scan_sessions", "tag_sets"]);
        // Its one write (ADR 0010): finance's decision, on the decision's columns of discount_proposals only.
        (await owning.ColumnAsync($"""
            SELECT table_name::text || '.' || column_name::text FROM information_schema.column_privileges
            WHERE grantee = '{PlatformReadSql.PlatformRole}' AND privilege_type <> 'SELECT' ORDER BY 1
            """))
            .ShouldBe(["discount_proposals.approved_percent", "discount_proposals.decided_at", "discount_proposals.decided_by", "discount_proposals.decision_reason", "discount_proposals.status"]);
        (await owning.ColumnAsync($"SELECT tablename::text || ' ' || cmd FROM pg_policies WHERE '{PlatformReadSql.PlatformRole}' = ANY (roles) ORDER BY 1"))
            .ShouldBe(["discount_proposals SELECT", "discount_proposals UPDATE", "patients SELECT", "practice_subscriptions SELECT", "practices SELECT", "scan_sessions SELECT", "tag_sets SELECT"]);
        foreach (var function in new[]
                 {
                     PlatformReadSql.PracticeOverview, PlatformReadSql.DiscountProposals, PlatformReadSql.DecideDiscount, PlatformReadSql.SubscriptionOverview,
                     PlatformReadSql.ExportQuasiIdentifiers, PlatformReadSql.ExportTagSets,
                 })
        {
            (await owning.ScalarAsync<string>($"SELECT pg_get_userbyid(proowner)::text || ' ' || prosecdef FROM pg_proc WHERE proname = '{function}'"))
                .ShouldBe($"{PlatformReadSql.PlatformRole} true", function);
            (await owning.ScalarAsync<bool>($"SELECT has_function_privilege('public', (SELECT oid FROM pg_proc WHERE proname = '{function}'), 'EXECUTE')")).ShouldBeFalse(function);
            (await owning.ScalarAsync<bool>($"SELECT has_function_privilege('{TenantIsolationSql.AppRole}', (SELECT oid FROM pg_proc WHERE proname = '{function}'), 'EXECUTE')")).ShouldBeTrue(function);
        }

        await owning.ExecuteAsync($"SET ROLE {PlatformReadSql.PlatformRole}");
        foreach (var write in new[]
                 {
                     "UPDATE patients SET last_name = 'x' WHERE id = @id", "DELETE FROM scan_sessions WHERE patient_id = @id",
                     "INSERT INTO practices (id, name, subscription_tier, tagging_rate, discount_percent, status, created_at, settings) VALUES (@id, 'x', 'trial', 0, 0, 'active', now(), '{}')",
                 })
        {
            (await Should.ThrowAsync<PostgresException>(() => owning.ExecuteAsync(write, ("id", patient.Id)))).SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege, write);
        }
        foreach (var write in new[] { "UPDATE practice_subscriptions SET status = 'active'", "UPDATE discount_proposals SET proposed_percent = 100", "UPDATE discount_proposals SET applied_at = now(), applied_to = 'x'", "DELETE FROM discount_proposals" })
            (await Should.ThrowAsync<PostgresException>(() => owning.ExecuteAsync(write))).SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege, write);
        foreach (var table in new[] { "messages", "audit_log", "user_accounts", "scan_images" })
            (await Should.ThrowAsync<PostgresException>(() => owning.ScalarAsync<long>($"SELECT count(*) FROM {table}"))).SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege, table);
    }

    [Fact]
    public async Task The_export_functions_answer_quasi_identifiers_relative_days_and_scores_of_eligible_patients_only_with_no_identity()
    {
        var owner = await api.RegisterPracticeAsync("Export Path Practice " + Guid.NewGuid().ToString("N")[..6]);
        (await api.As(owner).PatchAsJsonAsync("/api/v1/practice/settings", new { country = "DE", region = "BY", shareDeidentifiedData = true })).EnsureSuccessStatusCode();
        var consenting = await api.AddPatientAsync(owner, "Wilhelmina", "Exportable");
        var declining = await api.AddPatientAsync(owner, "Bartholomew", "Declining");
        (await api.As(owner).PatchAsJsonAsync($"/api/v1/patients/{consenting.Id}", new { researchConsent = true, treatmentStartDate = "2026-02-01", phone = "+4915199887766" })).EnsureSuccessStatusCode();
        var member = await Analytics.AnalyticsData.MemberIdAsync(api, owner);
        foreach (var patient in new[] { consenting.Id, declining.Id })
        {
            var first = await Analytics.AnalyticsData.SessionAsync(api, owner, patient, "reviewed", new DateTime(2026, 3, 1, 9, 0, 0, DateTimeKind.Utc));
            var second = await Analytics.AnalyticsData.SessionAsync(api, owner, patient, "reviewed", new DateTime(2026, 3, 11, 9, 0, 0, DateTimeKind.Utc));
            await Analytics.AnalyticsData.TagSetAsync(api, owner, first, member, new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc), 30, 3, null, 2);
            await Analytics.AnalyticsData.TagSetAsync(api, owner, second, member, new DateTime(2026, 3, 11, 12, 0, 0, DateTimeKind.Utc), 30, 1, 2, 1);
        }
        await using (var asOwner = await Sql.OpenAsync(api.OwnerConnectionString, owner.PracticeId))
            await asOwner.ExecuteAsync("UPDATE tag_sets SET notes = 'Secret clinical note' WHERE practice_id = @p", ("p", owner.PracticeId));

        await using var app = await Sql.OpenAsync(api.AppConnectionString);
        var (countColumns, counts) = await ReadAllAsync(app, $"SELECT * FROM {PlatformReadSql.ExportQuasiIdentifiers}()");
        var (columns, rows) = await ReadAllAsync(app, $"SELECT * FROM {PlatformReadSql.ExportTagSets}()");

        countColumns.Select(c => c.Name).ShouldBe(["age_band", "treatment_type", "aligner_brand", "practice_region", "patients", "tag_sets"]);
        countColumns.Where(c => c.Type is "uuid" or "date" || c.Type.StartsWith("timestamp", StringComparison.Ordinal)).ShouldBeEmpty();
        counts.ShouldContain(r => (string)r[3]! == "DE-BY" && (long)r[4]! == 1 && (long)r[5]! == 2);
        // The original ids leave only for the worker to group rows by (the dataset writer replaces them); nothing else identifies.
        columns.Where(c => c.Type == "uuid").Select(c => c.Name).ShouldBe(["patient_id", "practice_id", "session_id"]);
        columns.Where(c => c.Type is "date" or "bytea" or "json" or "jsonb" || c.Type.StartsWith("timestamp", StringComparison.Ordinal)).ShouldBeEmpty("no calendar date, no document");
        columns.Where(c => DeniedColumnParts.Except(["patient_id", "key"]).Any(part => c.Name.Contains(part, StringComparison.Ordinal))).ShouldBeEmpty();
        var ours = rows.Where(r => (Guid)r[1]! == owner.PracticeId).ToList();
        ours.Select(r => (Guid)r[0]!).Distinct().ShouldBe([consenting.Id], customMessage: "the patient without research consent is not eligible");
        ours.Select(r => ((int)r[7]!, (int?)r[8], (string)r[13]!, (string)r[14]!, (string?)r[18]))
            .ShouldBe([(28, null, "3", "not_applicable", null), (38, 10, "1", "2", "3")], customMessage: "days since the treatment start and since the scan before, scores, previous scores");
        var cells = rows.SelectMany(r => r).Select(v => v is Array a ? string.Join(",", a.Cast<object>()) : Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToList();
        foreach (var identifying in new[] { "Wilhelmina", "Exportable", "Bartholomew", "ada@example.com", "15199887766", "1990-04-12", "2026-03-01", "Secret clinical note", declining.Id.ToString() })
            cells.Where(c => c.Contains(identifying, StringComparison.OrdinalIgnoreCase)).ShouldBeEmpty($"{identifying} in the export rows");
        // The helper that picks the eligible patients (it reads the treatment start date) is the functions' own.
        (await Should.ThrowAsync<PostgresException>(() => app.ExecuteAsync("SELECT * FROM platform_export_patients()"))).SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
    }

    /// <summary>What a platform function answers: its columns (name and type) and every row.</summary>
    private static async Task<(List<(string Name, string Type)> Columns, List<object?[]> Rows)> ReadAllAsync(
        NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await using var reader = await command.ExecuteReaderAsync();
        var columns = Enumerable.Range(0, reader.FieldCount).Select(i => (reader.GetName(i), reader.GetDataTypeName(i))).ToList();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return (columns, rows);
    }

    private async Task<string> PracticeNameAsync(Guid practiceId)
    {
        await using var asPractice = await Sql.OpenAsync(api.AppConnectionString, practiceId);
        return await asPractice.ScalarAsync<string>("SELECT name FROM practices");
    }
}
