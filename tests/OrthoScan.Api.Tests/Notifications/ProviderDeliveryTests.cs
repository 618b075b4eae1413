using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Notifications;

/// <summary>Emails through SendGrid and SMS through Twilio, against WireMock fakes: the requests, retries and refusals.</summary>
public sealed class ProviderDeliveryTests(FakeMessagingProviders providers) : IClassFixture<FakeMessagingProviders>
{
    private ApiFactory Api => providers.Api;

    private async Task<(Session Owner, PatientDto Patient)> PatientAsync(string? email, string? phone)
    {
        var owner = await Api.RegisterPracticeAsync("Provider Practice");
        var patient = await (await Api.As(owner).PostAsJsonAsync("/api/v1/patients", new
        {
            firstName = "Pia", lastName = "Provider", dateOfBirth = "1995-02-03", email, phone, totalStages = 20, currentStage = 1, preferredLanguage = "fr", timezone = "Europe/Paris",
        })).ShouldBeAsync<PatientDto>(HttpStatusCode.Created);
        return (owner, patient);
    }

    private async Task<string> NotificationStateAsync(Session owner, string recipient, string state)
    {
        await using var db = await Sql.OpenAsync(Api.AppConnectionString, owner.PracticeId);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var row = await db.ScalarAsync<string?>(
                "SELECT status || ' ' || coalesce(provider, '-') || ' ' || coalesce(provider_message_id, '-') || ' ' || variables::text FROM notifications WHERE recipient = @r",
                ("r", recipient));
            if (row?.StartsWith(state + " ", StringComparison.Ordinal) == true) return row;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The notification to {recipient} is '{row}', not {state}, after 30 s.");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task An_invitation_email_goes_to_sendgrid_with_the_key_the_idempotency_key_and_no_clinical_detail()
    {
        providers.Accepts();
        var email = TestApi.UniqueEmail("sendgrid");
        var (owner, patient) = await PatientAsync(email, null);
        await (await Api.As(await Api.RegisterPracticeAsync()).PostAsJsonAsync($"/api/v1/patients/{patient.Id}/invite", new { })).ShouldFailAsync(HttpStatusCode.NotFound);
        var sent = await (await Api.As(owner).PostAsJsonAsync($"/api/v1/patients/{patient.Id}/invite", new { })).ShouldBeAsync<PatientInvitationDto>(HttpStatusCode.OK);
        (await NotificationStateAsync(owner, email, "sent")).ShouldBe("sent sendgrid sg-message-1 {}");

        var request = providers.RequestsTo(FakeMessagingProviders.SendGridPath).Single(r => r.RequestMessage.Body!.Contains(email)).RequestMessage;
        request.Body.ShouldNotBeNull();
        request.Headers!["Authorization"].ShouldBe(["Bearer " + FakeMessagingProviders.SendGridKey]);
        var notificationId = request.Headers["Idempotency-Key"].ShouldHaveSingleItem();
        request.Body.ShouldContain($"\"notification_id\":\"{notificationId}\"");
        request.Body.ShouldContain("\"from\":{\"email\":\"care@orthoscan.test\"");
        request.Body.ShouldContain(sent.Code);
        request.Body.ShouldContain("Votre invitation OrthoScan de Provider Practice");
        request.Body.ShouldNotContain("Pia", Case.Sensitive, "the patient's name is not in the email");
    }

    [Fact]
    public async Task An_invitation_sms_goes_to_twilio_form_encoded_with_basic_auth_and_only_the_code_and_link()
    {
        providers.Accepts();
        var phone = "+4420" + Random.Shared.Next(10_000_000, 99_999_999);
        var (owner, patient) = await PatientAsync(null, phone);
        var sent = await (await Api.As(owner).PostAsJsonAsync($"/api/v1/patients/{patient.Id}/invite", new { })).ShouldBeAsync<PatientInvitationDto>(HttpStatusCode.OK);
        sent.SentBy.ShouldBe(NotificationChannel.Sms);
        (await NotificationStateAsync(owner, phone, "sent")).ShouldStartWith("sent twilio SM00000000000000000000000000000001");

        var request = providers.RequestsTo(FakeMessagingProviders.TwilioPath).Single(r => r.RequestMessage.Body!.Contains(Uri.EscapeDataString(phone))).RequestMessage;
        request.Headers!["Authorization"].ShouldBe(["Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{FakeMessagingProviders.TwilioSid}:{FakeMessagingProviders.TwilioToken}"))]);
        request.Headers["I-Twilio-Idempotency-Token"].ShouldHaveSingleItem();
        var form = request.Body!.Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1].Replace('+', ' ')));
        form["To"].ShouldBe(phone);
        form["From"].ShouldBe(FakeMessagingProviders.TwilioFrom);
        form["Body"].ShouldBe($"Provider Practice vous invite sur OrthoScan. Ouvrez l'application et saisissez le code {sent.Code} pour vous connecter : https://app.orthoscan.app/open?code={sent.Code}");
    }

    [Fact]
    public async Task A_provider_that_is_down_then_up_delivers_the_notification_once_with_one_idempotency_key_across_the_retries()
    {
        providers.Fails(503);
        var email = TestApi.UniqueEmail("retry");
        var (owner, patient) = await PatientAsync(email, null);
        await (await Api.As(owner).PostAsJsonAsync($"/api/v1/patients/{patient.Id}/invite", new { })).ShouldBeAsync<PatientInvitationDto>(HttpStatusCode.OK);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (providers.RequestsTo(FakeMessagingProviders.SendGridPath).Count(r => r.RequestMessage.Body!.Contains(email)) < 2)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The delivery was not retried.");
            await Task.Delay(100);
        }
        providers.Accepts();
        (await NotificationStateAsync(owner, email, "sent")).ShouldStartWith("sent sendgrid");

        var tries = providers.RequestsTo(FakeMessagingProviders.SendGridPath).Where(r => r.RequestMessage.Body!.Contains(email)).ToList();
        tries.Count(r => r.ResponseMessage.StatusCode is 202).ShouldBe(1, "accepted once");
        tries.Select(r => r.RequestMessage.Headers!["Idempotency-Key"].Single()).Distinct().Count().ShouldBe(1, "every retry carries the same key");
    }

    [Fact]
    public async Task A_provider_down_for_longer_than_a_jobs_attempts_still_gets_the_notification_once_it_is_back()
    {
        // A job gets JobsOptions.MaxAttempts tries (5: at the default backoff 5+10+20+40 s, a provider outage of 60 s
        // used them all by a hair, one a little longer dead-lettered the notification). A delivery has a budget of its own.
        var jobAttempts = new OrthoScan.Api.Infrastructure.Jobs.JobsOptions().MaxAttempts;
        providers.Fails(503);
        var email = TestApi.UniqueEmail("outage");
        var (owner, patient) = await PatientAsync(email, null);
        await (await Api.As(owner).PostAsJsonAsync($"/api/v1/patients/{patient.Id}/invite", new { })).ShouldBeAsync<PatientInvitationDto>(HttpStatusCode.OK);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (providers.RequestsTo(FakeMessagingProviders.SendGridPath).Count(r => r.RequestMessage.Body!.Contains(email)) < jobAttempts)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The delivery was not tried {jobAttempts} times.");
            await Task.Delay(20);
        }
        providers.Accepts();
        (await NotificationStateAsync(owner, email, "sent")).ShouldStartWith("sent sendgrid");
        providers.RequestsTo(FakeMessagingProviders.SendGridPath).Count(r => r.RequestMessage.Body!.Contains(email) && r.ResponseMessage.StatusCode is 202)
            .ShouldBe(1, "accepted once");
    }

    [Fact]
    public async Task A_worker_that_dies_after_the_provider_accepted_sends_again_under_the_same_idempotency_key()
    {
        var email = TestApi.UniqueEmail("crash");
        var name = "crash_" + Guid.NewGuid().ToString("N")[..8];
        // The first delivery's transaction dies after SendGrid accepted and before the notification is recorded as sent,
        // as a killed worker's would: a trigger fails that one update (a sequence, since a rollback does not undo it).
        await using var db = await Sql.OpenAsync(Api.OwnerConnectionString);
        await db.ExecuteAsync($"""
            CREATE SEQUENCE {name};
            CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
            BEGIN
              IF NEW.status = 'sent' AND NEW.recipient = '{email}' AND nextval('{name}') = 1 THEN RAISE EXCEPTION 'the worker died'; END IF;
              RETURN NEW;
            END $$;
            CREATE TRIGGER {name} BEFORE UPDATE ON notifications FOR EACH ROW EXECUTE FUNCTION {name}();
            """);
        try
        {
            var (owner, patient) = await PatientAsync(email, null);
            await (await Api.As(owner).PostAsJsonAsync($"/api/v1/patients/{patient.Id}/invite", new { })).ShouldBeAsync<PatientInvitationDto>(HttpStatusCode.OK);

            (await NotificationStateAsync(owner, email, "sent")).ShouldStartWith("sent sendgrid");
            (await db.ScalarAsync<long>($"SELECT last_value FROM {name}")).ShouldBeGreaterThanOrEqualTo(2, "the first record of the send was lost");
            var sends = providers.RequestsTo(FakeMessagingProviders.SendGridPath).Where(r => r.RequestMessage.Body!.Contains(email)).ToList();
            sends.Count.ShouldBe(2, "sent again after the lost record");
            sends.ShouldAllBe(r => (int)r.ResponseMessage.StatusCode! == 202);
            // The provider sees one message twice, not two messages: it keeps the first and drops the copy.
            sends.Select(r => r.RequestMessage.Headers!["Idempotency-Key"].Single()).Distinct().Count().ShouldBe(1);
        }
        finally
        {
            await db.ExecuteAsync($"DROP TRIGGER {name} ON notifications; DROP FUNCTION {name}(); DROP SEQUENCE {name};");
        }
    }

    [Fact]
    public async Task A_provider_that_refuses_the_address_fails_the_notification_without_retrying_it()
    {
        providers.Fails(400);
        var email = TestApi.UniqueEmail("refused");
        var (owner, patient) = await PatientAsync(email, null);
        await (await Api.As(owner).PostAsJsonAsync($"/api/v1/patients/{patient.Id}/invite", new { })).ShouldBeAsync<PatientInvitationDto>(HttpStatusCode.OK);

        var row = await NotificationStateAsync(owner, email, "failed");
        row.ShouldEndWith("{}", Case.Sensitive, "the code does not stay in the outbox");
        providers.RequestsTo(FakeMessagingProviders.SendGridPath).Count(r => r.RequestMessage.Body!.Contains(email)).ShouldBe(1);
        await using var db = await Sql.OpenAsync(Api.AppConnectionString, owner.PracticeId);
        (await db.ScalarAsync<string>("SELECT last_error FROM notifications WHERE recipient = @r", ("r", email))).ShouldStartWith("SendGrid refused it (400)");
    }

    /// <summary>An inbound SMS as Twilio posts it, signed (HMAC-SHA1 over the URL and the sorted fields) with <paramref name="token"/>.</summary>
    private Task<HttpResponseMessage> InboundSmsAsync(string from, string body, string token = FakeMessagingProviders.TwilioToken)
    {
        var form = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["AccountSid"] = FakeMessagingProviders.TwilioSid, ["Body"] = body, ["From"] = from, ["To"] = FakeMessagingProviders.TwilioFrom,
            ["MessageSid"] = "SM" + Guid.NewGuid().ToString("N"),
        };
#pragma warning disable CA5350 // Twilio's scheme
        var signature = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(token),
            Encoding.UTF8.GetBytes(FakeMessagingProviders.WebhookUrl + string.Concat(form.Select(f => f.Key + f.Value)))));
#pragma warning restore CA5350
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/notifications/twilio/inbound") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", signature);
        return Api.CreateClient().SendAsync(request);
    }

    [Fact]
    public async Task A_number_that_texts_stop_gets_no_sms_until_it_texts_start_and_a_forged_stop_changes_nothing()
    {
        providers.Accepts();
        var phone = "+4420" + Random.Shared.Next(10_000_000, 99_999_999);
        var (owner, patient) = await PatientAsync(null, phone);

        var forged = await InboundSmsAsync(phone, "STOP", token: "not-our-token");
        (await forged.ShouldFailAsync(HttpStatusCode.BadRequest, "invalid-signature")).Detail.ShouldNotBeNull();
        var stop = await InboundSmsAsync(phone, " stop ");
        stop.StatusCode.ShouldBe(HttpStatusCode.OK);
        stop.Content.Headers.ContentType!.MediaType.ShouldBe("text/xml");
        (await stop.Content.ReadAsStringAsync()).ShouldBe("<Response/>");

        await (await Api.As(owner).PostAsJsonAsync($"/api/v1/patients/{patient.Id}/invite", new { sendBy = "sms" })).ShouldBeAsync<PatientInvitationDto>(HttpStatusCode.OK);
        (await NotificationStateAsync(owner, phone, "skipped")).ShouldBe("skipped - - {}", "nothing left for Twilio");
        providers.RequestsTo(FakeMessagingProviders.TwilioPath).ShouldNotContain(r => r.RequestMessage.Body!.Contains(Uri.EscapeDataString(phone)));
        (await (await Api.As(owner).PostAsJsonAsync($"/api/v1/patients/{patient.Id}/invite", new { })).ShouldBeAsync<PatientInvitationDto>(HttpStatusCode.OK))
            .SentBy.ShouldBeNull("left to choose, an invitation does not text a number that said STOP (and there is no email)");

        (await InboundSmsAsync(phone, "START")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await using (var db = await Sql.OpenAsync(Api.AppConnectionString, owner.PracticeId))
            await db.ExecuteAsync("DELETE FROM notifications WHERE recipient = @r", ("r", phone));
        await (await Api.As(owner).PostAsJsonAsync($"/api/v1/patients/{patient.Id}/invite", new { sendBy = "sms" })).ShouldBeAsync<PatientInvitationDto>(HttpStatusCode.OK);
        (await NotificationStateAsync(owner, phone, "sent")).ShouldStartWith("sent twilio");
    }

    [Fact]
    public async Task A_patient_with_a_registered_phone_hears_of_a_new_message_by_fcm_push_with_a_token_from_a_signed_service_account_assertion()
    {
        providers.Accepts();
        var owner = await Api.RegisterPracticeAsync("Push Practice");
        var app = await Scans.ScanFlow.PatientAppAsync(Api, owner, "Pushed");
        await Api.NoQuietHoursAsync(app.AccessToken);
        var device = "fcm-" + Guid.NewGuid().ToString("N") + ":APA91b";
        (await Api.As(app.AccessToken).PostAsJsonAsync("/api/v1/notifications/devices", new { token = device, platform = "ios" })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await Api.As(app.AccessToken).PostAsJsonAsync("/api/v1/notifications/devices", new { token = device, platform = "ios" })).StatusCode.ShouldBe(HttpStatusCode.NoContent, "sent again at every start");
        await (await Api.As(owner).PostAsJsonAsync("/api/v1/notifications/devices", new { token = device, platform = "ios" })).ShouldFailAsync(HttpStatusCode.Forbidden);
        await (await Api.As(app.AccessToken).PostAsJsonAsync("/api/v1/notifications/devices", new { token = "<script>", platform = "ios" })).ShouldFailAsync(HttpStatusCode.BadRequest, "validation");

        await Messaging.MessagingFlows.WriteAsync(Api, owner.AccessToken, app.PatientId, "Your gingivitis is improving.");
        (await NotificationStateAsync(owner, device, "sent")).ShouldStartWith($"sent fcm projects/{FakeMessagingProviders.FcmProject}/messages/");

        var send = providers.RequestsTo(FakeMessagingProviders.FcmSendPath).Single(r => r.RequestMessage.Body!.Contains(device)).RequestMessage;
        send.Headers!["Authorization"].ShouldBe(["Bearer " + FakeMessagingProviders.FcmAccessToken]);
        var message = System.Text.Json.JsonSerializer.Deserialize<FcmSend>(send.Body!, System.Text.Json.JsonSerializerOptions.Web)!.Message;
        message.Token.ShouldBe(device);
        // The patient reads French (the test patient's language).
        message.Notification.ShouldBe(new FcmNotification("Nouveau message de Push Practice",
            "Vous avez un nouveau message de votre orthodontiste. Lisez-le dans l'application OrthoScan : https://app.orthoscan.app/open"));
        // Only the screen a tap opens rides along (the app's Messages), nothing about the patient.
        message.Data.ShouldBe(new Dictionary<string, string> { ["screen"] = "messages" });

        var tokenRequest = providers.RequestsTo(FakeMessagingProviders.FcmTokenPath)[^1].RequestMessage;
        var form = tokenRequest.Body!.Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        form["grant_type"].ShouldBe("urn:ietf:params:oauth:grant-type:jwt-bearer");
        var validated = await new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().ValidateTokenAsync(form["assertion"], new Microsoft.IdentityModel.Tokens.TokenValidationParameters
        {
            ValidIssuer = FakeMessagingProviders.FcmClientEmail, ValidAudience = providers.Server.Url + FakeMessagingProviders.FcmTokenPath,
            IssuerSigningKey = new Microsoft.IdentityModel.Tokens.RsaSecurityKey(providers.ServiceAccountKey.ExportParameters(false)),
        });
        validated.IsValid.ShouldBeTrue(validated.Exception?.Message);
        validated.Claims["scope"].ShouldBe("https://www.googleapis.com/auth/firebase.messaging");
    }

    /// <summary>What our FCM client sends (messages:send), read as Google reads it.</summary>
    private sealed record FcmSend(FcmMessage Message);

    private sealed record FcmMessage(string Token, FcmNotification Notification, Dictionary<string, string>? Data);

    private sealed record FcmNotification(string Title, string Body);
}
