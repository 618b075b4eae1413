using OrthoScan.Api.Tests.Infrastructure;

namespace OrthoScan.Api.Tests.Billing;

/// <summary>Discount proposals and plans written straight into the test database (as the owner role, in the practice), as the period close and a subscription would leave them.</summary>
internal static class FinanceData
{
    public static DateTime Month(int year, int month) => new(year, month, 1, 0, 0, 0, DateTimeKind.Utc);

    public static async Task<Guid> ProposalAsync(this ApiFactory api, Guid practiceId, DateTime periodStart, int received, int tagged, decimal percent)
    {
        var id = Guid.CreateVersion7();
        await using var sql = await Sql.OpenAsync(api.OwnerConnectionString, practiceId);
        await sql.ExecuteAsync("""
            INSERT INTO discount_proposals (id, practice_id, period_start, period_end, sessions_received, sessions_tagged, rate, proposed_percent, status, created_at)
            VALUES (@id, @practice, @start, @end, @received, @tagged, round(@tagged::numeric / @received, 4), @percent, 'proposed', now())
            """,
            ("id", id), ("practice", practiceId), ("start", periodStart), ("end", periodStart.AddMonths(1)), ("received", received), ("tagged", tagged),
            ("percent", percent));
        return id;
    }

    public static async Task PlanAsync(this ApiFactory api, Guid practiceId, string tier)
    {
        await using var sql = await Sql.OpenAsync(api.OwnerConnectionString, practiceId);
        await sql.ExecuteAsync("UPDATE practices SET subscription_tier = @tier WHERE id = @id", ("tier", tier), ("id", practiceId));
    }
}
