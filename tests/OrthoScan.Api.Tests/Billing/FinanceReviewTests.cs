using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrthoScan.Api.Features.Admin;
using OrthoScan.Api.Infrastructure.Persistence;
using OrthoScan.Api.Infrastructure.Pipeline;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.PlatformUsers;
using Shouldly;
using static OrthoScan.Api.Tests.Billing.FinanceData;

namespace OrthoScan.Api.Tests.Billing;

/// <summary>
/// Finance's review of the tagging-rate discounts: the list with counts, rate, money and trend; approve, adjust and reject,
/// final and exactly once under parallel requests; finance alone decides.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class FinanceReviewTests(ApiFactory api)
{
    private const long ProfessionalPrice = 49_900;

    private static string Decision(Guid id) => $"/api/v1/admin/tagging-rates/{id}/decision";

    /// <summary>Every proposal of <paramref name="practiceId"/>, paging through the whole list <paramref name="pageSize"/> at a time.</summary>
    private async Task<List<TaggingRateDto>> ListAsync(Session caller, Guid practiceId, string query = "", int pageSize = 200)
    {
        var all = new List<TaggingRateDto>();
        string? cursor = null;
        do
        {
            var page = await (await api.As(caller).GetAsync($"/api/v1/admin/tagging-rates?limit={pageSize}{query}{(cursor is null ? "" : $"&cursor={cursor}")}"))
                .ShouldBeAsync<PageDto<TaggingRateDto>>(HttpStatusCode.OK);
            page.Items.Count.ShouldBeLessThanOrEqualTo(pageSize);
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        } while (cursor is not null);
        all.Select(r => r.Id).ShouldBeUnique();
        // Names sort by the database's collation; periods come newest first whatever it is.
        all.Select(r => r.PeriodStart).ShouldBe(all.Select(r => r.PeriodStart).OrderDescending(), "newest period first");
        return [.. all.Where(r => r.PracticeId == practiceId)];
    }

    private async Task<(string Status, decimal? Approved, string? Reason, Guid? DecidedBy, DateTime? DecidedAt)> RowAsync(Guid practiceId, Guid id)
    {
        await using var sql = await Sql.OpenAsync(api.AppConnectionString, practiceId);
        await using var command = new Npgsql.NpgsqlCommand("SELECT status, approved_percent, decision_reason, decided_by, decided_at FROM discount_proposals WHERE id = @id", sql);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue();
        return (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetDecimal(1), reader.IsDBNull(2) ? null : reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetGuid(3), reader.IsDBNull(4) ? null : reader.GetDateTime(4));
    }

    private async Task<Guid> UserIdAsync(Session platformUser)
    {
        await using var scope = api.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().UserAccounts.Where(u => u.Email == platformUser.Email).Select(u => u.Id).SingleAsync();
    }

    [Fact]
    public async Task Finance_and_the_platform_admin_list_each_proposal_with_counts_rate_amount_and_the_practices_trend()
    {
        var owner = await api.RegisterPracticeAsync($"Finance List {Guid.NewGuid():N}");
        var patient = await api.AddPatientAsync(owner, "Tobias", "Unlisted");
        await api.PlanAsync(owner.PracticeId, "professional");
        var months = Enumerable.Range(4, 7).Select(m => Month(2001, m)).ToList(); // April to October
        var ids = new List<Guid>();
        foreach (var (month, i) in months.Select((m, i) => (m, i))) ids.Add(await api.ProposalAsync(owner.PracticeId, month, received: 20, tagged: 10 + i, percent: i < 3 ? 5 : 10));
        var finance = await api.CreatePlatformUserAsync("finance");
        var admin = await api.CreatePlatformUserAsync("platform_admin");

        var rows = await ListAsync(finance, owner.PracticeId, pageSize: 3);

        rows.Select(r => r.PeriodStart).ShouldBe(months.AsEnumerable().Reverse());
        var october = rows[0];
        october.ShouldBe(october with
        {
            Id = ids[6], Plan = SubscriptionTier.Professional, PeriodEnd = Month(2001, 11),
            SessionsReceived = 20, SessionsTagged = 16, Rate = 0.8m, ProposedPercent = 10m, ApprovedPercent = null, AmountMinor = ProfessionalPrice / 10,
            Currency = "usd", Status = DiscountStatus.Proposed, DecisionReason = null, DecidedAt = null, AppliedAt = null,
        });
        october.PracticeName.ShouldStartWith("Finance List ");
        october.Trend.ShouldBe(months.Skip(1).Select((m, i) => new TrendPointDto(m, (11 + i) / 20m)), "the last six proposals up to this one, oldest first");
        rows[^1].Trend.ShouldBe([new TrendPointDto(months[0], 0.5m)], "April has nothing before it");
        rows[^1].AmountMinor.ShouldBe(ProfessionalPrice * 5 / 100);

        (await ListAsync(admin, owner.PracticeId)).Count.ShouldBe(7);
        (await ListAsync(finance, owner.PracticeId, "&status=approved")).ShouldBeEmpty();
        (await ListAsync(finance, owner.PracticeId, "&status=proposed")).Count.ShouldBe(7);
        await (await api.As(finance).GetAsync("/api/v1/admin/tagging-rates?status=granted")).ShouldFailAsync(HttpStatusCode.BadRequest);
        var body = await (await api.As(finance).GetAsync("/api/v1/admin/tagging-rates?limit=200")).Content.ReadAsStringAsync();
        foreach (var secret in new[] { patient.Id.ToString(), patient.FirstName, patient.LastName }) body.ShouldNotContain(secret, Case.Insensitive);
    }

    [Fact]
    public async Task Approve_adjust_and_reject_each_decide_the_row_once_as_an_audited_command()
    {
        var owner = await api.RegisterPracticeAsync($"Finance Decide {Guid.NewGuid():N}");
        await api.PlanAsync(owner.PracticeId, "professional");
        var approved = await api.ProposalAsync(owner.PracticeId, Month(2002, 1), 10, 8, 10);
        var adjusted = await api.ProposalAsync(owner.PracticeId, Month(2002, 2), 10, 9, 15);
        var rejected = await api.ProposalAsync(owner.PracticeId, Month(2002, 3), 10, 5, 5);
        var finance = await api.CreatePlatformUserAsync("finance");
        var financeId = await UserIdAsync(finance);
        var before = DateTime.UtcNow.AddSeconds(-5);

        var approval = await (await api.As(finance).PostAsJsonAsync(Decision(approved), new { action = "approve" })).ShouldBeAsync<TaggingRateDto>(HttpStatusCode.OK);
        var adjustment = await (await api.As(finance).PostAsJsonAsync(Decision(adjusted), new { action = "adjust", percent = 7.5m, reason = "  Half the tier: tagged in the last week.  " }))
            .ShouldBeAsync<TaggingRateDto>(HttpStatusCode.OK);
        var rejection = await (await api.As(finance).PostAsJsonAsync(Decision(rejected), new { action = "reject", reason = "Duplicate scans." })).ShouldBeAsync<TaggingRateDto>(HttpStatusCode.OK);

        (approval.Status, approval.ApprovedPercent, approval.AmountMinor, approval.DecisionReason).ShouldBe((DiscountStatus.Approved, 10m, ProfessionalPrice / 10, null));
        (adjustment.Status, adjustment.ApprovedPercent, adjustment.AmountMinor, adjustment.DecisionReason)
            .ShouldBe((DiscountStatus.Adjusted, 7.5m, (long)Math.Round(ProfessionalPrice * 0.075m, MidpointRounding.AwayFromZero), "Half the tier: tagged in the last week."));
        (rejection.Status, rejection.ApprovedPercent, rejection.AmountMinor, rejection.DecisionReason).ShouldBe((DiscountStatus.Rejected, null, 0L, "Duplicate scans."));
        adjustment.Trend.Count.ShouldBe(2);
        foreach (var (id, answer, status) in new[] { (approved, approval, "approved"), (adjusted, adjustment, "adjusted"), (rejected, rejection, "rejected") })
        {
            var row = await RowAsync(owner.PracticeId, id);
            (row.Status, row.Approved, row.Reason, row.DecidedBy).ShouldBe((status, answer.ApprovedPercent, answer.DecisionReason, (Guid?)financeId));
            row.DecidedAt.ShouldBe(answer.DecidedAt);
            row.DecidedAt!.Value.ShouldBeGreaterThan(before);
        }
        var listed = await ListAsync(finance, owner.PracticeId);
        listed.Select(r => r with { Trend = [] }).ShouldBe([rejection with { Trend = [] }, adjustment with { Trend = [] }, approval with { Trend = [] }],
            "the list answers what the decisions answered");
        listed.Select(r => r.Trend.Count).ShouldBe([3, 2, 1]);

        // A decision is final: deciding again, even the same way, changes nothing.
        await (await api.As(finance).PostAsJsonAsync(Decision(rejected), new { action = "approve" })).ShouldFailAsync(HttpStatusCode.Conflict, "already-decided");
        (await RowAsync(owner.PracticeId, rejected)).Status.ShouldBe("rejected");

        // Every decision is in the platform audit chain: who, which proposal, when.
        await using var ownerDb = await Sql.OpenAsync(api.OwnerConnectionString);
        foreach (var id in new[] { approved, adjusted, rejected })
            (await ownerDb.ScalarAsync<long>("""
                SELECT count(*) FROM platform_audit_log
                WHERE actor_user_id = @u AND actor_role = 'finance' AND action = 'Admin.DecideDiscount'
                  AND resource_type = 'discount_proposal' AND resource_id = @id AND occurred_at > @before
                """, ("u", financeId), ("id", id), ("before", before))).ShouldBe(1, $"one audit row for the decision on {id}");
        (await ownerDb.ScalarAsync<long>("SELECT count(*) FROM platform_audit_log WHERE resource_id = @id AND action = 'Admin.DecideDiscount'", ("id", rejected)))
            .ShouldBe(1, "the refused second decision changed nothing and is not recorded as a decision");
    }

    [Fact]
    public async Task Of_thirty_parallel_decisions_on_one_proposal_exactly_one_succeeds_and_the_rest_answer_already_decided()
    {
        var owner = await api.RegisterPracticeAsync();
        var id = await api.ProposalAsync(owner.PracticeId, Month(2003, 5), 10, 10, 15);
        var finance = await api.CreatePlatformUserAsync("finance");
        object[] bodies = [new { action = "approve" }, new { action = "adjust", percent = 12, reason = "Parallel." }, new { action = "reject" }];

        var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => api.As(finance).PostAsJsonAsync(Decision(id), bodies[i % 3])));

        responses.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(1, string.Join(", ", responses.Select(r => (int)r.StatusCode)));
        var winner = await responses.Single(r => r.StatusCode == HttpStatusCode.OK).ShouldBeAsync<TaggingRateDto>(HttpStatusCode.OK);
        foreach (var loser in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
            await loser.ShouldFailAsync(HttpStatusCode.Conflict, "already-decided");
        var row = await RowAsync(owner.PracticeId, id);
        (row.Status, row.Approved).ShouldBe((winner.Status.ToString().ToLowerInvariant(), winner.ApprovedPercent));
    }

    [Fact]
    public async Task Only_finance_decides_a_discount()
    {
        var owner = await api.RegisterPracticeAsync();
        var doctor = await api.AddMemberAsync(owner, "doctor");
        var admin = await api.CreatePlatformUserAsync("platform_admin");
        var id = await api.ProposalAsync(owner.PracticeId, Month(2004, 2), 4, 4, 15);
        var approve = new { action = "approve" };

        foreach (var who in new[] { owner, doctor, admin })
            await (await api.As(who).PostAsJsonAsync(Decision(id), approve)).ShouldFailAsync(HttpStatusCode.Forbidden);
        await (await api.As((string?)null).PostAsJsonAsync(Decision(id), approve)).ShouldFailAsync(HttpStatusCode.Unauthorized);
        await (await api.As(owner).GetAsync("/api/v1/admin/tagging-rates")).ShouldFailAsync(HttpStatusCode.Forbidden);
        await (await api.As(doctor).GetAsync("/api/v1/admin/tagging-rates/forecast")).ShouldFailAsync(HttpStatusCode.Forbidden);
        await (await api.As((string?)null).GetAsync("/api/v1/admin/tagging-rates")).ShouldFailAsync(HttpStatusCode.Unauthorized);

        (await RowAsync(owner.PracticeId, id)).Status.ShouldBe("proposed");
    }

    [Fact]
    public async Task An_unknown_proposal_answers_404_and_malformed_decisions_400_naming_the_field_and_change_nothing()
    {
        var owner = await api.RegisterPracticeAsync();
        var id = await api.ProposalAsync(owner.PracticeId, Month(2005, 7), 4, 3, 10);
        var finance = await api.CreatePlatformUserAsync("finance");
        var client = api.As(finance);

        await (await client.PostAsJsonAsync(Decision(Guid.CreateVersion7()), new { action = "approve" })).ShouldFailAsync(HttpStatusCode.NotFound);
        foreach (var (body, field) in new (object Body, string Field)[]
                 {
                     (new { action = "adjust", reason = "No percent." }, "percent"),
                     (new { action = "adjust", percent = 5 }, "reason"),
                     (new { action = "adjust", percent = 5, reason = "   " }, "reason"),
                     (new { action = "adjust", percent = 100.5m, reason = "Too much." }, "percent"),
                     (new { action = "adjust", percent = -1, reason = "Negative." }, "percent"),
                     (new { action = "adjust", percent = 7.125m, reason = "Three decimals." }, "percent"),
                     (new { action = "approve", percent = 10 }, "percent"),
                     (new { action = "reject", reason = new string('x', 501) }, "reason"),
                     (new { action = "grant" }, "action"),
                     (new { percent = 5 }, "action"),
                 })
        {
            var problem = await (await client.PostAsJsonAsync(Decision(id), body)).ShouldFailAsync(HttpStatusCode.BadRequest);
            problem.Errors.ShouldNotBeNull().Keys.ShouldContain(k => k.Equals(field, StringComparison.OrdinalIgnoreCase), $"{System.Text.Json.JsonSerializer.Serialize(body)}");
        }
        using (var text = new StringContent("{", System.Text.Encoding.UTF8, "application/json"))
            await (await client.PostAsync(Decision(id), text)).ShouldFailAsync(HttpStatusCode.BadRequest);

        (await RowAsync(owner.PracticeId, id)).Status.ShouldBe("proposed");
        (await (await client.PostAsJsonAsync(Decision(id), new { action = "adjust", percent = 0, reason = "Zero is a percent." })).ShouldBeAsync<TaggingRateDto>(HttpStatusCode.OK))
            .ApprovedPercent.ShouldBe(0m);
    }
}
