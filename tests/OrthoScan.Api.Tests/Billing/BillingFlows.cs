using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;

namespace OrthoScan.Api.Tests.Billing;

/// <summary>Billing as the owner drives it, and discounts granted as finance would (written as the owner role: finance's route is not ours).</summary>
internal static class BillingFlows
{
    public static async Task<CheckoutDto> CheckoutAsync(this ApiFactory api, Session owner, string plan) =>
        await (await api.As(owner).PostAsJsonAsync("/api/v1/billing/checkout", new { plan })).ShouldBeAsync<CheckoutDto>(HttpStatusCode.OK);

    public static async Task<SubscriptionDto> SubscriptionAsync(this ApiFactory api, Session owner) =>
        await (await api.As(owner).GetAsync("/api/v1/billing/subscription")).ShouldBeAsync<SubscriptionDto>(HttpStatusCode.OK);

    public static async Task<PageDto<InvoiceDto>> InvoicesAsync(this ApiFactory api, Session owner) =>
        await (await api.As(owner).GetAsync("/api/v1/billing/invoices")).ShouldBeAsync<PageDto<InvoiceDto>>(HttpStatusCode.OK);

    /// <summary>A proposal of the given period that finance approved (or adjusted) at <paramref name="percent"/>.</summary>
    public static async Task<Guid> GrantedDiscountAsync(this ApiFactory api, Guid practiceId, DateTime periodStart, decimal percent, string status = "approved")
    {
        var id = Guid.CreateVersion7();
        await using var sql = await Sql.OpenAsync(api.OwnerConnectionString, practiceId);
        await sql.ExecuteAsync("""
            INSERT INTO discount_proposals (id, practice_id, period_start, period_end, sessions_received, sessions_tagged, rate, proposed_percent, status,
                                            created_at, approved_percent, decision_reason, decided_by, decided_at)
            VALUES (@id, @p, @start, @end, 10, 9, 0.9, 15, @status, now(), @percent, 'test', gen_random_uuid(), now())
            """, ("id", id), ("p", practiceId), ("start", periodStart), ("end", periodStart.AddMonths(1)), ("status", status), ("percent", percent));
        return id;
    }

    public static async Task<(DateTime? AppliedAt, string? AppliedTo)> AppliedAsync(this ApiFactory api, Guid practiceId, Guid proposalId)
    {
        await using var sql = await Sql.OpenAsync(api.OwnerConnectionString, practiceId);
        await using var command = new Npgsql.NpgsqlCommand("SELECT applied_at, applied_to FROM discount_proposals WHERE id = @id", sql);
        command.Parameters.AddWithValue("id", proposalId);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.IsDBNull(0) ? null : reader.GetDateTime(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }

    public static Task RunJobAsync<TCommand>(this IServiceProvider host, TCommand command) where TCommand : Api.Infrastructure.Jobs.IJobCommand =>
        host.GetRequiredService<Api.Infrastructure.Jobs.JobCatalog>().RunNowAsync(host, command, default);
}
