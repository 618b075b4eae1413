using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrthoScan.Api.Infrastructure.Persistence;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Isolation;
using Shouldly;

namespace OrthoScan.Api.Tests.Architecture;

/// <summary>
/// From the EF model to the database and the tests: every entity type with a PracticeId is tenant data, so its table
/// has forced row-level security with a policy on the practice for each command (created by the migrations this host
/// ran), and a cross-tenant test named in <see cref="CrossTenantCoverage"/>. A new tenant entity fails here until it has both.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class TenantModelTests(ApiFactory api)
{
    [Fact]
    public async Task Every_entity_with_a_practice_id_maps_to_a_table_with_forced_row_level_security_and_a_practice_policy_per_command()
    {
        var tables = TenantTables().Where(t => !CrossTenantCoverage.Exempt.ContainsKey(t)).ToList();
        tables.ShouldContain("patients");

        await using var owner = await Sql.OpenAsync(api.OwnerConnectionString);
        var problems = await owner.ColumnAsync($"""
            WITH rel AS (
                SELECT t.name, c.oid IS NOT NULL AS found, coalesce(c.relrowsecurity AND c.relforcerowsecurity, false) AS forced
                FROM unnest(ARRAY['{string.Join("','", tables)}']) AS t(name)
                LEFT JOIN pg_class c ON c.relname = t.name AND c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'),
            command(name) AS (VALUES ('SELECT'), ('INSERT'), ('UPDATE'), ('DELETE'))
            SELECT rel.name || ': no such table' FROM rel WHERE NOT rel.found
            UNION ALL
            SELECT rel.name || ': row-level security is not enabled and forced' FROM rel WHERE rel.found AND NOT rel.forced
            UNION ALL
            SELECT rel.name || ': no ' || command.name || ' policy on practice_id = app_practice_id()' FROM rel CROSS JOIN command
            WHERE rel.found AND NOT EXISTS (
                SELECT 1 FROM pg_policies p
                WHERE p.schemaname = 'public' AND p.tablename = rel.name AND p.cmd IN (command.name, 'ALL')
                  AND (command.name = 'INSERT' OR p.qual LIKE '%practice_id = app_practice_id()%')
                  AND (command.name IN ('SELECT', 'DELETE') OR coalesce(p.with_check, p.qual) LIKE '%practice_id = app_practice_id()%'))
            UNION ALL
            SELECT p.tablename || ': policy ' || p.policyname || ' does not look at the practice' FROM pg_policies p JOIN rel ON rel.name = p.tablename
            WHERE p.schemaname = 'public' AND coalesce(p.qual, '') || coalesce(p.with_check, '') NOT LIKE '%app_practice_id()%'
              -- The platform read path's own read policies (ADR 0009): SELECT only, for the NOLOGIN role that owns the
              -- aggregate functions, never for the app role (PlatformReadPathTests).
              AND NOT (p.cmd = 'SELECT' AND p.roles = ARRAY['{PlatformReadSql.PlatformRole}']::name[])
              -- Finance's one write (ADR 0010): deciding a discount proposal, for that role alone, through its function.
              AND NOT (p.tablename = 'discount_proposals' AND p.policyname = 'platform_decide' AND p.cmd = 'UPDATE'
                       AND p.roles = ARRAY['{PlatformReadSql.PlatformRole}']::name[])
            """);

        problems.ShouldBeEmpty("Isolate the table in its migration with TenantIsolationSql.IsolateTenantTable:\n" + string.Join('\n', problems));
    }

    [Fact]
    public void Every_entity_with_a_practice_id_has_its_table_named_with_a_cross_tenant_test()
    {
        var tables = TenantTables();

        var uncovered = tables.Where(t => !CrossTenantCoverage.ByTable.ContainsKey(t) && !CrossTenantCoverage.Exempt.ContainsKey(t)).ToList();
        uncovered.ShouldBeEmpty($"Write a test that another practice can neither read nor change these tables' rows, and name it in {nameof(CrossTenantCoverage)}");
        CrossTenantCoverage.ByTable.Keys.Concat(CrossTenantCoverage.Exempt.Keys).Where(t => !tables.Contains(t))
            .ShouldBeEmpty("no entity with a PracticeId maps to these tables any more");
        CrossTenantCoverage.ByTable.Keys.Intersect(CrossTenantCoverage.Exempt.Keys).ShouldBeEmpty();
        CrossTenantCoverage.Exempt.Values.ShouldAllBe(reason => !string.IsNullOrWhiteSpace(reason));
        foreach (var (table, tests) in CrossTenantCoverage.ByTable)
        {
            tests.ShouldNotBeEmpty(table);
            foreach (var test in tests)
            {
                var fact = test.Class.GetMethod(test.Method)?.GetCustomAttributes(typeof(FactAttribute), inherit: true).Cast<FactAttribute>().SingleOrDefault();
                fact.ShouldNotBeNull($"{test} is not a test method");
                fact.Skip.ShouldBeNull($"{test} is skipped");
            }
        }
    }

    private List<string> TenantTables()
    {
        using var scope = api.Services.CreateScope();
        var model = scope.ServiceProvider.GetRequiredService<AppDbContext>().Model;
        return [.. model.GetEntityTypes()
            .Where(e => !e.IsOwned() && e.FindProperty("PracticeId") is not null)
            .Select(e => e.GetTableName()!)
            .Distinct().Order(StringComparer.Ordinal)];
    }
}
