using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Http.Json;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.PlatformUsers;
using Shouldly;
using static OrthoScan.Api.Tests.Billing.FinanceData;

namespace OrthoScan.Api.Tests.Billing;

/// <summary>
/// The platform admin's billing console: MRR per plan from the subscriptions' states and the configured prices, past-due
/// practices with the end of their grace, and finance's decisions per period. On a host and database of its own, since it
/// sums over every practice: other tests' practices would be in its totals.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class AdminBillingTests : IAsyncLifetime
{
    private const string Overview = "/api/v1/admin/billing";
    private readonly ApiFactory _api = new();

    public Task InitializeAsync()
    {
        _api.Settings["role"] = "api";
        return _api.InitializeAsync();
    }

    public Task DisposeAsync() => _api.DisposeAsync();

    /// <summary>A practice that checked out <paramref name="plan"/> (offline: a trial), then moved to <paramref name="status"/> as Stripe's events would.</summary>
    private async Task<Session> SubscribedAsync(string plan, string status, DateTime? pastDueSince = null)
    {
        var owner = await _api.RegisterPracticeAsync($"Console {plan} {status}");
        await (await _api.As(owner).PostAsJsonAsync("/api/v1/billing/checkout", new { plan })).ShouldBeAsync<CheckoutDto>(HttpStatusCode.OK);
        await using var sql = await Sql.OpenAsync(_api.OwnerConnectionString, owner.PracticeId);
        await sql.ExecuteAsync("UPDATE practice_subscriptions SET status = @s, past_due_since = @since", ("s", status), ("since", (object?)pastDueSince ?? DBNull.Value));
        return owner;
    }

    [Fact]
    public async Task The_console_sums_paying_subscriptions_at_their_plans_price_lists_past_due_practices_and_finances_decisions_per_period()
    {
        var pastDueSince = DateTime.UtcNow.AddDays(-2);
        var professional = await SubscribedAsync("professional", "active");
        var late = await SubscribedAsync("starter", "past_due", pastDueSince);
        var trial = await SubscribedAsync("enterprise", "trialing");
        await SubscribedAsync("starter", "canceled");
        await _api.RegisterPracticeAsync("Console never subscribed");
        var approved = await _api.ProposalAsync(professional.PracticeId, Month(2001, 1), 10, 8, 10);
        var rejected = await _api.ProposalAsync(late.PracticeId, Month(2001, 1), 10, 6, 5);
        await _api.ProposalAsync(trial.PracticeId, Month(2001, 2), 10, 9, 15);
        var finance = await _api.CreatePlatformUserAsync("finance");
        await (await _api.As(finance).PostAsJsonAsync($"/api/v1/admin/tagging-rates/{approved}/decision", new { action = "approve" })).ShouldBeAsync<TaggingRateDto>(HttpStatusCode.OK);
        await (await _api.As(finance).PostAsJsonAsync($"/api/v1/admin/tagging-rates/{rejected}/decision", new { action = "reject" })).ShouldBeAsync<TaggingRateDto>(HttpStatusCode.OK);
        var admin = await _api.CreatePlatformUserAsync("platform_admin");

        var overview = await (await _api.As(admin).GetAsync(Overview)).ShouldBeAsync<BillingOverviewDto>(HttpStatusCode.OK);

        (overview.Mode, overview.Currency).ShouldBe((BillingMode.Offline, "usd"));
        // A trial pays nothing yet and a canceled subscription nothing any more; past due still owes its plan.
        overview.Plans.ShouldBe([
            new PlanRevenueDto(SubscriptionTier.Trial, 0, 0),
            new PlanRevenueDto(SubscriptionTier.Starter, 1, 19_900),
            new PlanRevenueDto(SubscriptionTier.Professional, 1, 49_900),
            new PlanRevenueDto(SubscriptionTier.Enterprise, 1, 0),
        ]);
        overview.MrrMinor.ShouldBe(19_900 + 49_900);
        var pastDue = overview.PastDue.ShouldHaveSingleItem();
        (pastDue.PracticeId, pastDue.PracticeName).ShouldBe((late.PracticeId, "Console starter past_due"));
        pastDue.Since.ShouldBe(pastDueSince, TimeSpan.FromMilliseconds(1));
        pastDue.GraceEndsAt.ShouldBe(pastDue.Since.AddDays(7), "the default grace period");
        overview.Discounts.ShouldBe([
            new PeriodDiscountsDto(Month(2001, 2), Month(2001, 3), Proposed: 1, Approved: 0, Rejected: 0, GrantedAmountMinor: 0),
            new PeriodDiscountsDto(Month(2001, 1), Month(2001, 2), Proposed: 0, Approved: 1, Rejected: 1, GrantedAmountMinor: 4_990),
        ]);
        (await (await _api.As(finance).GetAsync(Overview)).ShouldBeAsync<BillingOverviewDto>(HttpStatusCode.OK)).MrrMinor.ShouldBe(overview.MrrMinor, "finance reads it too");

        var body = await (await _api.As(admin).GetAsync(Overview)).Content.ReadAsStringAsync();
        body.ShouldNotContain("@", Case.Insensitive, "no billing or patient email");
        body.ShouldNotContain("cus_", Case.Insensitive, "no Stripe customer id");
    }

    [Fact]
    public async Task Practice_members_get_403_and_anonymous_401()
    {
        var owner = await _api.RegisterPracticeAsync("Console outsider");
        var doctor = await _api.AddMemberAsync(owner, "doctor");

        await (await _api.As(owner).GetAsync(Overview)).ShouldFailAsync(HttpStatusCode.Forbidden);
        await (await _api.As(doctor).GetAsync(Overview)).ShouldFailAsync(HttpStatusCode.Forbidden);
        await (await _api.CreateClient().GetAsync(Overview)).ShouldFailAsync(HttpStatusCode.Unauthorized);
    }
}
