using System.Net;
using System.Net.Http.Json;
using OrthoScan.Api.Infrastructure.Notifications;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Notifications;

/// <summary>Invitation codes leave the dashboard: by SMS or email to patients, by email to staff, in the recipient's language.</summary>
[Collection(ApiCollection.Name)]
public sealed class InvitationDeliveryTests(ApiFactory api)
{
    private static string UniquePhone() => "+1415" + Random.Shared.Next(1_000_000, 9_999_999);

    private async Task<PatientDto> PatientAsync(Session owner, string? email, string? phone, string language = "en") =>
        await (await api.As(owner).PostAsJsonAsync("/api/v1/patients", new
        {
            firstName = "Ines", lastName = "Invited", dateOfBirth = "1995-02-03", email, phone, totalStages = 20, currentStage = 1, preferredLanguage = language, timezone = "Europe/Madrid",
        })).ShouldBeAsync<PatientDto>(HttpStatusCode.Created);

    [Fact]
    public async Task A_patient_with_a_phone_gets_the_code_by_sms_in_their_language_and_the_code_activates_the_app()
    {
        var owner = await api.RegisterPracticeAsync("Clínica Sonrisa");
        var phone = UniquePhone();
        var patient = await PatientAsync(owner, TestApi.UniqueEmail("ines"), phone, "es");

        var invitation = await (await api.As(owner).PostAsJsonAsync($"/api/v1/patients/{patient.Id}/invite", new { })).ShouldBeAsync<PatientInvitationDto>(HttpStatusCode.OK);
        invitation.SentBy.ShouldBe(NotificationChannel.Sms, "a phone number wins over email");

        var sms = (await api.LettersAsync(phone)).ShouldHaveSingleItem();
        sms.Channel.ShouldBe(NotificationChannel.Sms);
        sms.Subject.ShouldBeNull();
        sms.Body.ShouldContain(invitation.Code);
        sms.Body.ShouldContain("Clínica Sonrisa le invita a OrthoScan");
        sms.Body.ShouldEndWith($": https://app.orthoscan.app/open?code={invitation.Code}", customMessage: "tapping the link opens the app with the code filled in");

        var activated = await api.CreateClient().PostAsJsonAsync("/api/v1/auth/patient/activate", new { code = invitation.Code, deviceId = "ines-phone-000001" });
        activated.StatusCode.ShouldBe(HttpStatusCode.OK, await activated.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_patient_is_invited_by_the_channel_asked_for_and_not_at_all_when_none_is_asked_or_they_have_no_such_address()
    {
        var owner = await api.RegisterPracticeAsync();
        var email = TestApi.UniqueEmail("emailonly");
        var emailOnly = await PatientAsync(owner, email, null, "de");
        var byEmail = await (await api.As(owner).PostAsJsonAsync($"/api/v1/patients/{emailOnly.Id}/invite", new { })).ShouldBeAsync<PatientInvitationDto>(HttpStatusCode.OK);
        byEmail.SentBy.ShouldBe(NotificationChannel.Email);
        var letter = (await api.LettersAsync(email)).ShouldHaveSingleItem();
        letter.Subject.ShouldBe("Ihre OrthoScan-Einladung von Test Practice");
        letter.Body.ShouldContain(byEmail.Code);
        letter.Body.ShouldContain($"https://app.orthoscan.app/open?code={byEmail.Code}");

        var shownOnly = await (await api.As(owner).PostAsJsonAsync($"/api/v1/patients/{emailOnly.Id}/invite", new { sendBy = "none" }))
            .ShouldBeAsync<PatientInvitationDto>(HttpStatusCode.OK);
        shownOnly.SentBy.ShouldBeNull();
        await (await api.As(owner).PostAsJsonAsync($"/api/v1/patients/{emailOnly.Id}/invite", new { sendBy = "sms" }))
            .ShouldFailAsync(HttpStatusCode.UnprocessableEntity, "validation");
        await (await api.As(owner).PostAsJsonAsync($"/api/v1/patients/{emailOnly.Id}/invite", new { sendBy = "pigeon" }))
            .ShouldFailAsync(HttpStatusCode.BadRequest);

        await api.DeliveriesSettledAsync();
        (await api.MailboxAsync(email)).ShouldHaveSingleItem("neither the code only shown nor the refused SMS sent anything");
    }

    [Theory]
    [InlineData("https://app.orthoscan.app/open", "https://app.orthoscan.app/open?code=AB3CD4EF5G")]
    [InlineData("http://127.0.0.1:5080/app/", "http://127.0.0.1:5080/app/?code=AB3CD4EF5G")]
    [InlineData("https://app.orthoscan.app/open?utm_source=invite", "https://app.orthoscan.app/open?utm_source=invite&code=AB3CD4EF5G")]
    [InlineData("https://app.orthoscan.app/open#start", "https://app.orthoscan.app/open?code=AB3CD4EF5G#start")]
    public void The_app_link_of_an_invitation_adds_the_code_to_the_apps_query(string patientAppUrl, string link) =>
        new NotificationsOptions { PatientAppUrl = patientAppUrl }.PatientAppLink("AB3CD4EF5G").ShouldBe(link);

    [Fact]
    public async Task An_invited_doctor_gets_the_code_by_email_with_the_link_to_accept_it_and_it_is_sent_once()
    {
        var owner = await api.RegisterPracticeAsync("Email Practice");
        var email = TestApi.UniqueEmail("newdoctor");
        var invited = await (await api.As(owner).PostAsJsonAsync("/api/v1/practice/invitations", new { email, name = "Dr. New", role = "doctor" }))
            .ShouldBeAsync<StaffInvitationDto>(HttpStatusCode.Created);

        var letter = (await api.LettersAsync(email)).ShouldHaveSingleItem();
        letter.Channel.ShouldBe(NotificationChannel.Email);
        letter.Subject.ShouldBe("Join Email Practice on OrthoScan");
        letter.Body.ShouldContain(invited.InvitationCode);
        letter.Body.ShouldContain("/accept-invitation/");

        // The delivery job run five more times at once (retries racing, a worker that died after sending): still one letter.
        await using (var db = await Sql.OpenAsync(api.OwnerConnectionString))
        {
            await using var asPractice = await Sql.OpenAsync(api.AppConnectionString, owner.PracticeId);
            var notification = await asPractice.ScalarAsync<Guid>("SELECT id FROM notifications WHERE recipient = @r", ("r", email));
            for (var i = 0; i < 5; i++)
            {
                await db.ExecuteAsync("""
                    INSERT INTO jobs (id, kind, payload, status, attempts, max_attempts, run_after, created_at)
                    SELECT gen_random_uuid(), kind, payload, 'queued', 0, 5, now(), now() FROM jobs
                    WHERE kind = 'notifications.deliver' AND payload->>'notificationId' = @n LIMIT 1
                    """, ("n", notification.ToString()));
            }
            await api.DeliveriesSettledAsync();
            (await asPractice.ScalarAsync<string>("SELECT status || ' ' || variables::text || ' ' || provider FROM notifications WHERE id = @n", ("n", notification)))
                .ShouldBe("sent {} dev_mailbox", "the code leaves the outbox once sent");
        }
        (await api.MailboxAsync(email)).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task The_dev_mailbox_is_not_served_where_it_is_not_turned_on()
    {
        var production = new ApiFactory();
        production.Settings["OrthoScan:Notifications:ExposeDevMailbox"] = "false";
        try
        {
            await production.InitializeAsync();
            await (await production.CreateClient().GetAsync("/api/v1/dev/mailbox")).ShouldFailAsync(HttpStatusCode.NotFound);
        }
        finally
        {
            await production.DisposeAsync();
        }
    }
}
