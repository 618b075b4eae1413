using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using OrthoScan.Api.Infrastructure.Http;
using OrthoScan.Api.Infrastructure.Security;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Dashboard;

/// <summary>
/// GET /dashboard/compliance against a host whose clock is fake. Practices and patients are made through the real-clock
/// host; scan sessions and tag sets go in through SQL with the submitted_at each case needs; the access token is issued
/// by the fake-clock host so it is valid at the fake time.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ComplianceTests(ApiFactory api) : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private WebApplicationFactory<Program> _host = null!;

    public Task InitializeAsync()
    {
        // API only: a job worker on a fake clock must not claim the other tests' jobs in the shared database.
        _host = api.WithWebHostBuilder(b => b.UseSetting(HostRoles.Key, "api").ConfigureServices(s =>
        {
            s.RemoveAll<TimeProvider>();
            s.AddSingleton<TimeProvider>(_clock);
            foreach (var worker in s.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Name == "JobWorker").ToList()) s.Remove(worker);
        }));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Same_instant_gives_different_due_dates_in_Auckland_and_Los_Angeles()
    {
        var owner = await api.RegisterPracticeAsync();
        var created = Utc(2026, 5, 1, 0, 0);
        var auckland = await PatientAsync(owner, "Kiri", "Auckland", "Pacific/Auckland", "weekly", "active", created);
        var angeles = await PatientAsync(owner, "Lou", "Angeles", "America/Los_Angeles", "weekly", "active", created);
        // 2026-06-10 20:00 UTC is 2026-06-11 08:00 in Auckland (NZST) and 2026-06-10 13:00 in Los Angeles (PDT).
        var lastScan = Utc(2026, 6, 10, 20, 0);
        await ScanAsync(owner, auckland, lastScan);
        await ScanAsync(owner, angeles, lastScan);

        // 2026-06-18 10:00 UTC: 22:00 on the 18th in Auckland, 03:00 on the 18th in Los Angeles.
        var items = await ComplianceAsync(owner, Utc(2026, 6, 18, 10, 0));

        var a = Item(items, auckland);
        a.DueOn.ShouldBe(new DateOnly(2026, 6, 18));
        a.DaysOverdue.ShouldBe(0);
        a.Timezone.ShouldBe("Pacific/Auckland");
        a.LastScanAt.ShouldBe(lastScan);
        var la = Item(items, angeles);
        la.DueOn.ShouldBe(new DateOnly(2026, 6, 17));
        la.DaysOverdue.ShouldBe(1);

        var overdue = await ComplianceAsync(owner, Utc(2026, 6, 18, 10, 0), "?overdueOnly=true");
        overdue.Select(Id).ShouldBe([angeles]);
    }

    [Fact]
    public async Task Overdue_days_count_calendar_days_in_Berlin_across_the_spring_daylight_saving_change()
    {
        var owner = await api.RegisterPracticeAsync();
        var created = Utc(2026, 2, 1, 0, 0);
        var evening = await PatientAsync(owner, "Eva", "Evening", "Europe/Berlin", "weekly", "active", created);
        var midnight = await PatientAsync(owner, "Max", "Midnight", "Europe/Berlin", "weekly", "active", created);
        // Friday 2026-03-27 18:00 CET; the clocks go forward on Sunday 2026-03-29 (a 23-hour day).
        await ScanAsync(owner, evening, Utc(2026, 3, 27, 17, 0));
        // Saturday 2026-03-28 00:30 CET, still the 27th in UTC.
        await ScanAsync(owner, midnight, Utc(2026, 3, 27, 23, 30));

        // Saturday 2026-04-04 08:00 CEST: only 7 days and 13 hours after the evening scan, but one calendar day past its due date.
        var items = await ComplianceAsync(owner, Utc(2026, 4, 4, 6, 0));

        Item(items, evening).DueOn.ShouldBe(new DateOnly(2026, 4, 3));
        Item(items, evening).DaysOverdue.ShouldBe(1);
        Item(items, midnight).DueOn.ShouldBe(new DateOnly(2026, 4, 4));
        Item(items, midnight).DaysOverdue.ShouldBe(0);
    }

    [Fact]
    public async Task Monthly_and_weekly_intervals_missed_scans_and_tracking_trend()
    {
        var owner = await api.RegisterPracticeAsync();
        var created = Utc(2026, 1, 1, 0, 0);
        var weekly = await PatientAsync(owner, "Wes", "Weekly", "UTC", "weekly", "active", created);
        var monthly = await PatientAsync(owner, "Mo", "Monthly", "UTC", "monthly", "active", created);
        var biweekly = await PatientAsync(owner, "Bea", "Biweekly", "UTC", "biweekly", "active", created);

        var old = await ScanAsync(owner, weekly, Utc(2026, 5, 15, 9, 0)); // before the 90-day window
        var july = await ScanAsync(owner, weekly, Utc(2026, 7, 1, 9, 0));
        var august = await ScanAsync(owner, weekly, Utc(2026, 8, 1, 9, 0));
        var last = await ScanAsync(owner, weekly, Utc(2026, 8, 25, 9, 0));
        await ScanAsync(owner, weekly, null, createdAt: Utc(2026, 8, 31, 9, 0)); // started, never submitted: not a scan
        await TagAsync(owner, old, 3, Utc(2026, 5, 16, 9, 0));
        await TagAsync(owner, july, 3, Utc(2026, 7, 2, 9, 0));
        await TagAsync(owner, august, 2, Utc(2026, 8, 2, 9, 0));
        await TagAsync(owner, last, 1, Utc(2026, 8, 26, 9, 0));

        await ScanAsync(owner, monthly, Utc(2026, 6, 10, 9, 0));
        await ScanAsync(owner, monthly, Utc(2026, 7, 20, 9, 0));
        await ScanAsync(owner, biweekly, Utc(2026, 8, 20, 9, 0));

        // The window is 2026-06-03 .. 2026-09-01: 90 days.
        var items = await ComplianceAsync(owner, Utc(2026, 9, 1, 12, 0));

        var w = Item(items, weekly);
        w.ScanFrequency.ShouldBe(ScanFrequency.Weekly);
        w.LastScanAt.ShouldBe(Utc(2026, 8, 25, 9, 0));
        w.DueOn.ShouldBe(new DateOnly(2026, 9, 1));
        w.DaysOverdue.ShouldBe(0);
        w.MissedScans90d.ShouldBe(90 / 7 - 3);
        w.TrackingTrend.ShouldBe([1, 2, 3]);

        var m = Item(items, monthly);
        m.ScanFrequency.ShouldBe(ScanFrequency.Monthly);
        m.DueOn.ShouldBe(new DateOnly(2026, 8, 19));
        m.DaysOverdue.ShouldBe(13);
        m.MissedScans90d.ShouldBe(90 / 30 - 2);
        m.TrackingTrend.ShouldBeEmpty();

        var b = Item(items, biweekly);
        b.DueOn.ShouldBe(new DateOnly(2026, 9, 3));
        b.DaysOverdue.ShouldBe(-2);
        b.MissedScans90d.ShouldBe(90 / 14 - 1);

        items.Select(Id).ShouldBe([monthly, weekly, biweekly], "most overdue first");
        (await ComplianceAsync(owner, Utc(2026, 9, 1, 12, 0), "?sort=name")).Select(Id).ShouldBe([biweekly, monthly, weekly]);
    }

    [Fact]
    public async Task Without_scans_a_patient_is_due_from_creation_paused_is_never_overdue_archived_and_invited_are_left_out()
    {
        var owner = await api.RegisterPracticeAsync();
        var created = Utc(2026, 8, 1, 10, 0);
        var never = await PatientAsync(owner, "Nev", "Never", "UTC", "weekly", "active", created);
        var paused = await PatientAsync(owner, "Pau", "Paused", "UTC", "weekly", "paused", created);
        var archived = await PatientAsync(owner, "Arc", "Archived", "UTC", "weekly", "archived", created);
        var invited = await PatientAsync(owner, "Inv", "Invited", "UTC", "weekly", "invited", created);

        var body = await ComplianceBodyAsync(owner, Utc(2026, 9, 1, 12, 0));
        body.Truncated.ShouldBeFalse();
        var items = body.Items;

        var n = Item(items, never);
        n.LastScanAt.ShouldBeNull();
        n.DueOn.ShouldBe(new DateOnly(2026, 8, 8));
        n.DaysOverdue.ShouldBe(24);
        n.MissedScans90d.ShouldBe(31 / 7);
        n.Status.ShouldBe(PatientStatus.Active);
        var p = Item(items, paused);
        p.Status.ShouldBe(PatientStatus.Paused);
        p.DaysOverdue.ShouldBeLessThanOrEqualTo(0);
        items.Select(Id).ShouldNotContain(archived);
        items.Select(Id).ShouldNotContain(invited);

        var overdue = await ComplianceAsync(owner, Utc(2026, 9, 1, 12, 0), "?overdueOnly=true");
        overdue.Select(Id).ShouldBe([never]);
    }

    [Fact]
    public async Task Another_practice_s_patients_never_appear()
    {
        var ours = await api.RegisterPracticeAsync("Ours");
        var theirs = await api.RegisterPracticeAsync("Theirs");
        var created = Utc(2026, 8, 1, 10, 0);
        var mine = await PatientAsync(ours, "Our", "Patient", "UTC", "weekly", "active", created);
        var foreign = await PatientAsync(theirs, "Their", "Patient", "UTC", "weekly", "active", created);
        await ScanAsync(theirs, foreign, Utc(2026, 8, 2, 10, 0));

        var seenByUs = await ComplianceAsync(ours, Utc(2026, 9, 1, 12, 0));
        seenByUs.Select(Id).ShouldBe([mine]);
        var seenByThem = await ComplianceAsync(theirs, Utc(2026, 9, 1, 12, 0));
        seenByThem.Select(Id).ShouldBe([foreign]);
        Item(seenByThem, foreign).DueOn.ShouldBe(new DateOnly(2026, 8, 9));
    }

    [Fact]
    public async Task An_unknown_sort_is_a_400_naming_sort()
    {
        var owner = await api.RegisterPracticeAsync();
        _clock.SetUtcNow(Utc(2026, 9, 1, 12, 0));
        var problem = await (await Client(owner).GetAsync("/api/v1/dashboard/compliance?sort=newest")).ShouldFailAsync(HttpStatusCode.BadRequest, "validation");
        problem.Errors.ShouldNotBeNull()["sort"].ShouldNotBeEmpty();
    }

    private static DateTime Utc(int year, int month, int day, int hour, int minute) => new(year, month, day, hour, minute, 0, DateTimeKind.Utc);

    private static Guid Id(ComplianceItemDto item) => item.PatientId;

    private static ComplianceItemDto Item(IEnumerable<ComplianceItemDto> items, Guid patientId) =>
        items.SingleOrDefault(i => i.PatientId == patientId) ?? throw new ShouldAssertException($"Patient {patientId} is not in the compliance list.");

    private HttpClient Client(Session owner)
    {
        var token = _host.Services.GetRequiredService<TokenService>().CreateAccessToken(owner.UserId, Domain.Role.Owner, owner.PracticeId, Guid.NewGuid());
        var client = _host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task<ComplianceDto> ComplianceBodyAsync(Session owner, DateTime now, string query = "")
    {
        _clock.SetUtcNow(now);
        return await (await Client(owner).GetAsync("/api/v1/dashboard/compliance" + query)).ShouldBeAsync<ComplianceDto>(HttpStatusCode.OK);
    }

    private async Task<IReadOnlyList<ComplianceItemDto>> ComplianceAsync(Session owner, DateTime now, string query = "") =>
        (await ComplianceBodyAsync(owner, now, query)).Items;

    private async Task<Guid> PatientAsync(Session owner, string firstName, string lastName, string timezone, string frequency, string status, DateTime createdAt)
    {
        var id = (await api.AddPatientAsync(owner, firstName, lastName)).Id;
        await using var sql = await Sql.OpenAsync(api.OwnerConnectionString, owner.PracticeId);
        await sql.ExecuteAsync("UPDATE patients SET timezone = @tz, scan_frequency = @f, status = @s, created_at = @c WHERE id = @id",
            ("tz", timezone), ("f", frequency), ("s", status), ("c", createdAt), ("id", id));
        return id;
    }

    private async Task<Guid> ScanAsync(Session owner, Guid patientId, DateTime? submittedAt, DateTime? createdAt = null)
    {
        var id = Guid.CreateVersion7();
        await using var sql = await Sql.OpenAsync(api.OwnerConnectionString, owner.PracticeId);
        await sql.ExecuteAsync("""
            INSERT INTO scan_sessions (id, practice_id, patient_id, aligner_number, idempotency_key, request_hash, status, submitted_at, image_count, created_at)
            VALUES (@id, @practice, @patient, 3, @key, '\x00'::bytea, @status, @submitted, 5, @created)
            """,
            ("id", id), ("practice", owner.PracticeId), ("patient", patientId), ("key", Guid.NewGuid().ToString()),
            ("status", submittedAt is null ? "pending" : "reviewed"), ("submitted", (object?)submittedAt ?? DBNull.Value),
            ("created", createdAt ?? submittedAt!.Value.AddMinutes(-5)));
        return id;
    }

    private async Task TagAsync(Session owner, Guid sessionId, short overallTracking, DateTime taggedAt)
    {
        await using var sql = await Sql.OpenAsync(api.OwnerConnectionString, owner.PracticeId);
        var member = await sql.ScalarAsync<Guid>("SELECT id FROM practice_members WHERE practice_id = @p LIMIT 1", ("p", owner.PracticeId));
        await sql.ExecuteAsync("""
            INSERT INTO tag_sets (id, practice_id, session_id, tagged_by, tagged_at, overall_tracking, oral_hygiene, detail_tags, action_taken, ai_suggested, ai_overridden)
            VALUES (@id, @practice, @session, @member, @tagged, @tracking, 2, '{}', 'no_action', false, false)
            """,
            ("id", Guid.CreateVersion7()), ("practice", owner.PracticeId), ("session", sessionId), ("member", member),
            ("tagged", taggedAt), ("tracking", overallTracking));
    }
}
