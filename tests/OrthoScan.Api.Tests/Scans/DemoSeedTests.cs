using System.Diagnostics.CodeAnalysis;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrthoScan.Api.Domain;
using OrthoScan.Api.Features.Auth;
using OrthoScan.Api.Infrastructure.Billing;
using OrthoScan.Api.Infrastructure.Persistence;
using OrthoScan.Api.Infrastructure.Tenancy;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Scans;

/// <summary>
/// The demo seed's synthetic photos pass the quality checks: the demo practice's feed and the browser tests rely on its
/// eight ready scans. It also leaves a closed past billing period, whose discount proposal finance decides in the demo.
/// On a host of its own, so that its demo practice is not in other tests' counts.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class DemoSeedTests : IAsyncLifetime
{
    private readonly ApiFactory _api = new();

    public Task InitializeAsync() => _api.InitializeAsync();

    public Task DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task The_demo_seed_leaves_eight_ready_scans_no_retake_and_a_discount_proposal_for_finance_once()
    {
        await DemoSeed.RunAsync(_api.Services);

        await using var scope = _api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var tenant = scope.ServiceProvider.GetRequiredService<TenantScope>();
        var owner = await db.UserAccounts.AsNoTracking().SingleAsync(u => u.Email == DemoSeed.OwnerEmail);
        var practiceId = (await Memberships.FindActiveAsync(db, tenant, owner.Id, default))!.PracticeId;
        await tenant.EnterPracticeAsWorkerAsync(practiceId, default);

        var statuses = await db.ScanSessions.GroupBy(s => s.Status).Select(g => new { Status = g.Key, Count = g.Count() }).ToListAsync();
        statuses.ToDictionary(s => s.Status, s => s.Count).ShouldBe(new Dictionary<ScanSessionStatus, int>
        {
            [ScanSessionStatus.Ready] = 8,
            [ScanSessionStatus.Reviewed] = 8 + 4,
        }, ignoreOrder: true);
        (await db.ScanImages.CountAsync(i => i.RetakeReasons.Count > 0)).ShouldBe(0);

        // Four scans received in the latest settled period, three of them tagged: one proposal of 75 % -> 10 %, for finance.
        var settled = BillingPeriod.LatestSettled(DateTime.UtcNow);
        var proposal = await db.DiscountProposals.AsNoTracking().SingleAsync();
        (proposal.PeriodStart, proposal.PeriodEnd, proposal.SessionsReceived, proposal.SessionsTagged, proposal.Rate, proposal.ProposedPercent, proposal.Status)
            .ShouldBe((settled.Start, settled.End, 4, 3, 0.75m, 10m, DiscountProposalStatus.Proposed));

        await DemoSeed.RunAsync(_api.Services, TextWriter.Null); // idempotent: nothing more
        (await db.ScanSessions.CountAsync()).ShouldBe(8 + 8 + 4);
        (await db.DiscountProposals.CountAsync()).ShouldBe(1);
    }
}
