using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Http.Json;
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

    [Fact]
    public async Task Each_seed_prints_a_fresh_app_link_with_an_invitation_code_for_a_patient_not_yet_signed_in_and_sends_nothing()
    {
        var first = await SeedAsync();
        first.Link.ShouldBe($"https://app.orthoscan.app/open?code={first.Code}", "the configured PatientAppUrl with the code, as invitations send it");
        first.Line.ShouldContain("valid until ");
        first.Line.ShouldEndWith("patient Elias Hoffmann)", customMessage: "the first invited patient by name: never signed in to the app");

        await using var scope = _api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var tenant = scope.ServiceProvider.GetRequiredService<TenantScope>();
        await tenant.EnterPracticeAsWorkerAsync(await DemoPracticeAsync(db, tenant), default);
        (await db.Notifications.CountAsync(n => n.Template == NotificationTemplate.PatientInvitation)).ShouldBe(0, "the seed shows the code, it sends nothing");

        // `make demo-scan` takes another patient's code, so the printed one keeps working.
        await DemoSeed.IssuePatientCodeAsync(_api.Services);
        var second = await SeedAsync();
        second.Code.ShouldNotBe(first.Code);
        await (await Activate(first.Code)).ShouldFailAsync(HttpStatusCode.UnprocessableEntity, "invalid-invitation"); // replaced by the next seed
        (await Activate(second.Code)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Signed in now (active): the next seed invites the next patient who never signed in.
        (await SeedAsync()).Line.ShouldEndWith("patient Adam Laurent)");
    }

    private Task<HttpResponseMessage> Activate(string code) =>
        _api.CreateClient().PostAsJsonAsync("/api/v1/auth/patient/activate", new { code, deviceId = "demo-browser-000001" });

    private async Task<(string Line, string Link, string Code)> SeedAsync()
    {
        var output = new StringWriter();
        await DemoSeed.RunAsync(_api.Services, output);
        var line = output.ToString().Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith(DemoSeed.AppInvitationLinePrefix, StringComparison.Ordinal));
        var link = line[DemoSeed.AppInvitationLinePrefix.Length..line.IndexOf(' ', DemoSeed.AppInvitationLinePrefix.Length)];
        var code = line[(line.IndexOf("(code ", StringComparison.Ordinal) + "(code ".Length)..line.IndexOf(',', StringComparison.Ordinal)];
        return (line, link, code);
    }

    private static async Task<Guid> DemoPracticeAsync(AppDbContext db, TenantScope tenant)
    {
        var owner = await db.UserAccounts.AsNoTracking().SingleAsync(u => u.Email == DemoSeed.OwnerEmail);
        return (await Memberships.FindActiveAsync(db, tenant, owner.Id, default))!.PracticeId;
    }
}
