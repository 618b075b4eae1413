using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrthoScan.Api.Features.Billing;
using OrthoScan.Api.Infrastructure.Billing;
using OrthoScan.Api.Infrastructure.Jobs;
using OrthoScan.Api.Infrastructure.Persistence;
using OrthoScan.Api.Infrastructure.Tenancy;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Scans;
using Shouldly;

namespace OrthoScan.Api.Tests.Billing;

/// <summary>The period close writes one discount proposal per practice and period, however many workers run it at once.</summary>
[Collection(ApiCollection.Name)]
public sealed class CloseBillingPeriodTests(ApiFactory api)
{
    private sealed record Proposal(DateTime PeriodStart, DateTime PeriodEnd, int Received, int Tagged, decimal Rate, decimal Percent, string Status);

    private async Task TagAsync(Session owner, Guid sessionId) =>
        await (await api.As(owner).PostAsJsonAsync($"/api/v1/scans/sessions/{sessionId}/tags", new
        {
            taxonomyVersion = "2026.1", overallTracking = 2, alignerFit = 1, oralHygiene = 2, detailTags = Array.Empty<object>(), action = "approve_progression",
        })).ShouldBeAsync<TagSetDto>(HttpStatusCode.Created);

    /// <summary>A practice that received <paramref name="received"/> scans in the current month and tagged the first <paramref name="tagged"/>.</summary>
    private async Task<Session> PracticeAsync(int received, int tagged)
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner, "Close");
        for (var i = 0; i < received; i++)
        {
            var session = await api.SendScanAndWaitAsync(app);
            session.Status.ShouldBe(ScanSessionStatus.Ready);
            if (i < tagged) await TagAsync(owner, session.Id);
        }
        return owner;
    }

    private async Task<List<Proposal>> ProposalsAsync(Guid practiceId)
    {
        await using var sql = await Sql.OpenAsync(api.AppConnectionString, practiceId);
        await using var command = new NpgsqlCommand("""
            SELECT period_start, period_end, sessions_received, sessions_tagged, rate, proposed_percent, status FROM discount_proposals ORDER BY period_start
            """, sql);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Proposal>();
        while (await reader.ReadAsync())
            rows.Add(new Proposal(reader.GetDateTime(0), reader.GetDateTime(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetDecimal(4), reader.GetDecimal(5), reader.GetString(6)));
        return rows;
    }

    private async Task<long> CloseAuditsAsync(Guid practiceId)
    {
        await using var sql = await Sql.OpenAsync(api.OwnerConnectionString, practiceId);
        return await sql.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE practice_id = @p AND action = 'Billing.CloseBillingPeriod'", ("p", practiceId));
    }

    private static Task CloseAsync(IServiceProvider host, DateTime tick) =>
        host.GetRequiredService<JobCatalog>().RunNowAsync(host, new CloseBillingPeriod.Command(tick), default);

    [Fact]
    public async Task Two_workers_closing_the_same_period_at_once_write_one_proposal_per_practice()
    {
        var month = BillingPeriod.CalendarMonthUtc(DateTime.UtcNow);
        var half = await PracticeAsync(received: 2, tagged: 1);
        var all = await PracticeAsync(received: 1, tagged: 1);
        var untagged = await PracticeAsync(received: 1, tagged: 0);
        var retakeOnly = await api.RegisterPracticeAsync(); // its one scan goes back for a retake: nothing received
        var app = await api.PatientAppAsync(retakeOnly, "Retake");
        var same = ScanFlow.Photo(7);
        (await api.SendScanAndWaitAsync(app, view => view is "buccal_l" or "buccal_r" ? same : ScanFlow.Photo(30 + Array.IndexOf(ScanFlow.Views, view))))
            .Status.ShouldBe(ScanSessionStatus.NeedsRetake);
        await using var secondWorker = api.WithWebHostBuilder(b => b.UseSetting("role", "api"));
        var tick = month.End + DiscountPolicy.SettlesAfter;

        await Task.WhenAll(CloseAsync(api.Services, tick), CloseAsync(secondWorker.Services, tick), CloseAsync(secondWorker.Services, tick));
        await CloseAsync(api.Services, tick.AddDays(1)); // the next day's run: the same period, already closed

        (await ProposalsAsync(half.PracticeId)).ShouldBe([new Proposal(month.Start, month.End, 2, 1, 0.5m, 5m, "proposed")]);
        (await ProposalsAsync(all.PracticeId)).ShouldBe([new Proposal(month.Start, month.End, 1, 1, 1m, 15m, "proposed")]);
        (await ProposalsAsync(untagged.PracticeId)).ShouldBe([new Proposal(month.Start, month.End, 1, 0, 0m, 0m, "proposed")]);
        (await ProposalsAsync(retakeOnly.PracticeId)).ShouldBeEmpty("a practice that received nothing gets no proposal");
        (await CloseAuditsAsync(half.PracticeId)).ShouldBe(1);
        (await CloseAuditsAsync(all.PracticeId)).ShouldBe(1);
    }

    [Fact]
    public async Task Before_a_period_has_settled_its_proposals_are_not_written()
    {
        var month = BillingPeriod.CalendarMonthUtc(DateTime.UtcNow);
        var owner = await PracticeAsync(received: 1, tagged: 1);

        await CloseAsync(api.Services, month.End + DiscountPolicy.SettlesAfter - TimeSpan.FromSeconds(1)); // closes the month before

        (await ProposalsAsync(owner.PracticeId)).ShouldBeEmpty("a scan received at the end of the month still has time to be tagged");
    }

    [Fact]
    public void The_scheduled_job_reads_its_tick_from_the_schedulers_payload()
    {
        var tick = new DateTime(2026, 12, 16, 0, 0, 0, DateTimeKind.Utc);
        var payload = JsonSerializer.SerializeToElement(new ScheduledPayload(CloseBillingPeriod.Schedule, tick), JobPayload.Json);

        var command = payload.Read<CloseBillingPeriod.Command>();

        command.Period.ShouldBe(tick);
        command.Period.Kind.ShouldBe(DateTimeKind.Utc);
        new CloseBillingPeriod.Validator().Validate(command).IsValid.ShouldBeTrue();
        new CloseBillingPeriod.Validator().Validate(new CloseBillingPeriod.Command(default)).IsValid.ShouldBeFalse();
    }

    [Fact]
    public async Task Another_practice_can_neither_read_nor_add_nor_change_a_practices_discount_proposals()
    {
        var owner = await PracticeAsync(received: 1, tagged: 1);
        var other = await api.RegisterPracticeAsync();
        var month = BillingPeriod.CalendarMonthUtc(DateTime.UtcNow);
        await CloseAsync(api.Services, month.End + DiscountPolicy.SettlesAfter);
        (await ProposalsAsync(owner.PracticeId)).Count.ShouldBe(1);

        await using var asOther = await Sql.OpenAsync(api.AppConnectionString, other.PracticeId);
        (await asOther.ScalarAsync<long>("SELECT count(*) FROM discount_proposals WHERE practice_id = @p", ("p", owner.PracticeId))).ShouldBe(0);
        var insert = await Should.ThrowAsync<PostgresException>(() => asOther.ExecuteAsync("""
            INSERT INTO discount_proposals (id, practice_id, period_start, period_end, sessions_received, sessions_tagged, rate, proposed_percent, status, created_at)
            VALUES (gen_random_uuid(), @p, '2020-01-01Z', '2020-02-01Z', 1, 1, 1, 15, 'proposed', now())
            """, ("p", owner.PracticeId)));
        insert.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege); // new row violates row-level security policy
        (await Should.ThrowAsync<PostgresException>(() => asOther.ExecuteAsync("UPDATE discount_proposals SET proposed_percent = 100")))
            .SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege); // the app role may not change a proposal at all yet

        using var scope = api.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<TenantScope>().EnterPracticeAsWorkerAsync(other.PracticeId, default);
        (await scope.ServiceProvider.GetRequiredService<AppDbContext>().DiscountProposals.CountAsync()).ShouldBe(0);
        (await ProposalsAsync(owner.PracticeId)).Single().Percent.ShouldBe(15m);
    }
}
