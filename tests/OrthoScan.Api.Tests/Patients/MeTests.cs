using System.Net;
using System.Net.Http.Json;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Scans;
using Shouldly;

namespace OrthoScan.Api.Tests.Patients;

/// <summary>The patient app's own routes: a patient reads and changes only what is theirs, found from the token alone.</summary>
[Collection(ApiCollection.Name)]
public sealed class MeTests(ApiFactory api)
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    private static DateOnly ParisDay(DateTime utc) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(utc, Paris));

    [Fact]
    public async Task The_patient_reads_their_treatment_practice_and_next_scan_due_and_nothing_of_another_patient()
    {
        var owner = await api.RegisterPracticeAsync("Me Clinic");
        var app = await api.PatientAppAsync(owner, "Self");
        var other = await api.PatientAppAsync(owner, "Other");
        var enrolled = await (await api.As(owner).GetAsync($"/api/v1/patients/{app.PatientId}")).ShouldBeAsync<PatientDto>(HttpStatusCode.OK);

        var me = await (await api.As(app.AccessToken).GetAsync("/api/v1/me")).ShouldBeAsync<MeDto>(HttpStatusCode.OK);
        me.Id.ShouldBe(app.PatientId);
        me.LastName.ShouldBe("Self");
        me.PracticeName.ShouldBe("Me Clinic");
        (me.CurrentStage, me.TotalStages).ShouldBe((2, 20));
        me.ScanFrequency.ShouldBe(ScanFrequency.Weekly);
        me.Status.ShouldBe(PatientStatus.Active);
        me.LastScanAt.ShouldBeNull();
        me.NextScanDue.ShouldBe(ParisDay(enrolled.CreatedAt).AddDays(7), "a week after enrolment, in the patient's own calendar");
        me.Notifications.ShouldBe(new MeNoticeSettingsDto(true, true, new TimeOnly(21, 0), new TimeOnly(8, 0), false));

        var scan = await api.SendScanAndWaitAsync(app);
        me = await (await api.As(app.AccessToken).GetAsync("/api/v1/me")).ShouldBeAsync<MeDto>(HttpStatusCode.OK);
        me.LastScanAt.ShouldBe(scan.SubmittedAt);
        me.NextScanDue.ShouldBe(ParisDay(scan.SubmittedAt!.Value).AddDays(7));

        var mine = await (await api.As(app.AccessToken).GetAsync("/api/v1/me/scans")).ShouldBeAsync<PageDto<ScanSessionDto>>(HttpStatusCode.OK);
        var listed = mine.Items.ShouldHaveSingleItem();
        listed.Id.ShouldBe(scan.Id);
        listed.Images.Count.ShouldBe(5);
        listed.Images.ShouldAllBe(i => i.Urls != null && i.Urls.Thumbnail.Length > 0);
        (await (await api.As(other.AccessToken).GetAsync("/api/v1/me/scans")).ShouldBeAsync<PageDto<ScanSessionDto>>(HttpStatusCode.OK)).Items.ShouldBeEmpty();
        await (await api.As(other.AccessToken).GetAsync($"/api/v1/scans/sessions/{scan.Id}")).ShouldFailAsync(HttpStatusCode.NotFound);

        await (await api.As(owner).GetAsync("/api/v1/me")).ShouldFailAsync(HttpStatusCode.Forbidden);
        await (await api.As(owner).GetAsync("/api/v1/me/scans")).ShouldFailAsync(HttpStatusCode.Forbidden);
        await (await api.CreateClient().GetAsync("/api/v1/me")).ShouldFailAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_patient_changes_language_channels_and_quiet_hours_but_nothing_of_their_treatment()
    {
        var owner = await api.RegisterPracticeAsync("Settings Clinic");
        var app = await api.PatientAppAsync(owner, "Settled");

        var changed = await (await api.As(app.AccessToken).PatchAsJsonAsync("/api/v1/me", new { preferredLanguage = "de", notifyBySms = false, quietHoursStart = "22:30" }))
            .ShouldBeAsync<MeDto>(HttpStatusCode.OK);
        changed.PreferredLanguage.ShouldBe(PreferredLanguage.De);
        changed.Notifications.ShouldBe(new MeNoticeSettingsDto(false, true, new TimeOnly(22, 30), new TimeOnly(8, 0), false), "fields left out stay");
        var preferences = await (await api.As(app.AccessToken).GetAsync("/api/v1/notifications/preferences")).ShouldBeAsync<NotificationPreferencesDto>(HttpStatusCode.OK);
        (preferences.Sms, preferences.QuietHoursStart).ShouldBe((false, new TimeOnly(22, 30)));
        (await (await api.As(owner).GetAsync($"/api/v1/patients/{app.PatientId}")).ShouldBeAsync<PatientDto>(HttpStatusCode.OK))
            .PreferredLanguage.ShouldBe(PreferredLanguage.De, "the practice sees the patient's language");

        // Treatment, practice and contact details are the practice's: a body naming them is refused whole.
        await (await api.As(app.AccessToken).PatchAsJsonAsync("/api/v1/me", new { currentStage = 19 })).ShouldFailAsync(HttpStatusCode.BadRequest);
        await (await api.As(app.AccessToken).PatchAsJsonAsync("/api/v1/me", new { preferredLanguage = "fr", practiceId = Guid.NewGuid() })).ShouldFailAsync(HttpStatusCode.BadRequest);
        await (await api.As(app.AccessToken).PatchAsJsonAsync("/api/v1/me", new { preferredLanguage = "xx" })).ShouldFailAsync(HttpStatusCode.BadRequest);
        await (await api.As(app.AccessToken).PatchAsJsonAsync("/api/v1/me", new { quietHoursEnd = "07:00:30" })).ShouldFailAsync(HttpStatusCode.BadRequest);
        await (await api.As(app.AccessToken).PatchAsJsonAsync("/api/v1/me", new { })).ShouldFailAsync(HttpStatusCode.BadRequest);
        await (await api.As(owner).PatchAsJsonAsync("/api/v1/me", new { preferredLanguage = "es" })).ShouldFailAsync(HttpStatusCode.Forbidden);

        var after = await (await api.As(app.AccessToken).GetAsync("/api/v1/me")).ShouldBeAsync<MeDto>(HttpStatusCode.OK);
        after.ShouldBe(changed, "the refused changes changed nothing");
    }

    [Fact]
    public async Task The_patients_scans_come_newest_first_page_by_page()
    {
        var owner = await api.RegisterPracticeAsync("Pages Clinic");
        var app = await api.PatientAppAsync(owner, "Paged");
        var first = await (await api.CreateSessionAsync(app, Guid.NewGuid().ToString(), alignerNumber: 3)).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.Created);
        var second = await (await api.CreateSessionAsync(app, Guid.NewGuid().ToString(), alignerNumber: 4)).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.Created);

        var page = await (await api.As(app.AccessToken).GetAsync("/api/v1/me/scans?limit=1")).ShouldBeAsync<PageDto<ScanSessionDto>>(HttpStatusCode.OK);
        page.Items.ShouldHaveSingleItem().Id.ShouldBe(second.Id);
        page.NextCursor.ShouldNotBeNull();
        var next = await (await api.As(app.AccessToken).GetAsync($"/api/v1/me/scans?limit=1&cursor={Uri.EscapeDataString(page.NextCursor)}"))
            .ShouldBeAsync<PageDto<ScanSessionDto>>(HttpStatusCode.OK);
        next.Items.ShouldHaveSingleItem().Id.ShouldBe(first.Id);
        next.NextCursor.ShouldBeNull();
        await (await api.As(app.AccessToken).GetAsync("/api/v1/me/scans?cursor=not-a-cursor")).ShouldFailAsync(HttpStatusCode.BadRequest);
    }
}
