using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using OrthoScan.Api.Features.Billing;
using OrthoScan.Api.Infrastructure.Billing;
using OrthoScan.Api.Infrastructure.Persistence;
using OrthoScan.Api.Infrastructure.Tenancy;
using OrthoScan.Api.Tests.Analytics;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Scans;
using Shouldly;

namespace OrthoScan.Api.Tests.Billing;

/// <summary>A practice's received and tagged scans of one billing period, read from PostgreSQL inside the practice.</summary>
[Collection(ApiCollection.Name)]
public sealed class PeriodTaggingTests(ApiFactory api)
{
    private static readonly BillingPeriod November = BillingPeriod.CalendarMonthUtc(new DateTime(2026, 11, 15, 0, 0, 0, DateTimeKind.Utc));
    private static DateTime Nov(int day, int hour = 9) => new(2026, 11, day, hour, 0, 0, DateTimeKind.Utc);

    private async Task<DiscountPolicy.Counts> CountAsync(Guid inPractice, Guid ofPractice, BillingPeriod period)
    {
        using var scope = api.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<TenantScope>().EnterPracticeAsWorkerAsync(inPractice, default);
        return await PeriodTagging.CountAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), ofPractice, period, default);
    }

    [Fact]
    public async Task The_period_counts_scans_processed_in_it_and_those_completely_tagged_within_14_days()
    {
        var owner = await api.RegisterPracticeAsync();
        var doctor = await api.AddMemberAsync(owner, "doctor");
        var (me, colleague) = (await api.MemberIdAsync(owner), await api.MemberIdAsync(doctor));
        var patient = await api.PatientAsync(owner);

        var day14 = await api.ProcessedSessionAsync(owner, patient, Nov(2));
        await api.TaggedAsync(owner, day14, me, Nov(16));                       // exactly 14 days later: counts
        var day15 = await api.ProcessedSessionAsync(owner, patient, Nov(3));
        await api.TaggedAsync(owner, day15, me, Nov(18));                       // day 15: does not
        var twice = await api.ProcessedSessionAsync(owner, patient, Nov(4), "reviewed");
        await api.TaggedAsync(owner, twice, me, Nov(4, 10));
        await api.TaggedAsync(owner, twice, colleague, Nov(5));                 // a second doctor: still one session
        var quick = await api.ProcessedSessionAsync(owner, patient, Nov(5));
        await api.QuickActionAsync(owner, quick, me, Nov(5, 11));               // reviewed, but no tag set
        var lateInMonth = await api.ProcessedSessionAsync(owner, patient, Nov(30, 23));
        await api.TaggedAsync(owner, lateInMonth, me, new DateTime(2026, 12, 10, 9, 0, 0, DateTimeKind.Utc)); // tagged in the next period: counts
        await api.ProcessedSessionAsync(owner, patient, Nov(6), "needs_retake");                         // sent back: not received
        await api.ProcessedSessionAsync(owner, patient, new DateTime(2026, 10, 31, 23, 59, 59, DateTimeKind.Utc));   // October
        await api.ProcessedSessionAsync(owner, patient, new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc));       // December
        await api.SessionAsync(owner, patient, "processing", Nov(7));                                    // not processed yet

        (await CountAsync(owner.PracticeId, owner.PracticeId, November)).ShouldBe(new DiscountPolicy.Counts(Received: 5, Tagged: 3));
    }

    [Fact]
    public async Task A_practice_with_quick_actions_only_has_received_scans_and_none_tagged()
    {
        var owner = await api.RegisterPracticeAsync();
        var (me, patient) = (await api.MemberIdAsync(owner), await api.PatientAsync(owner));
        foreach (var day in new[] { 2, 9, 20 }) await api.QuickActionAsync(owner, await api.ProcessedSessionAsync(owner, patient, Nov(day)), me, Nov(day, 12));

        var counts = await CountAsync(owner.PracticeId, owner.PracticeId, November);

        counts.ShouldBe(new DiscountPolicy.Counts(3, 0));
        DiscountPolicy.PercentFor(counts, DiscountOptions.DefaultTiers).ShouldBe(0m);
    }

    [Fact]
    public async Task A_scan_sent_processed_and_tagged_through_the_api_counts_in_the_current_month()
    {
        var owner = await api.RegisterPracticeAsync();
        var app = await api.PatientAppAsync(owner, "Billed");
        var tagged = (await api.SendScanAndWaitAsync(app)).Id;
        await api.SendScanAndWaitAsync(app); // received, never tagged
        await (await api.As(owner).PostAsJsonAsync($"/api/v1/scans/sessions/{tagged}/tags", new
        {
            taxonomyVersion = "2026.1", overallTracking = 1, alignerFit = 1, oralHygiene = 2, detailTags = Array.Empty<object>(), action = "approve_progression",
        })).ShouldBeAsync<TagSetDto>(HttpStatusCode.Created);

        (await CountAsync(owner.PracticeId, owner.PracticeId, BillingPeriod.CalendarMonthUtc(DateTime.UtcNow))).ShouldBe(new DiscountPolicy.Counts(2, 1));
    }

    [Fact]
    public async Task Inside_another_practice_the_counts_of_a_practice_are_empty()
    {
        var owner = await api.RegisterPracticeAsync();
        var other = await api.RegisterPracticeAsync();
        var (me, patient) = (await api.MemberIdAsync(owner), await api.PatientAsync(owner));
        await api.TaggedAsync(owner, await api.ProcessedSessionAsync(owner, patient, Nov(2)), me, Nov(3));

        (await CountAsync(owner.PracticeId, owner.PracticeId, November)).ShouldBe(new DiscountPolicy.Counts(1, 1));
        (await CountAsync(other.PracticeId, owner.PracticeId, November)).ShouldBe(new DiscountPolicy.Counts(0, 0), "row-level security hides them");
    }
}
