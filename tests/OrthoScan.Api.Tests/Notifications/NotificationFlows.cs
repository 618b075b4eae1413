using System.Net;
using System.Net.Http.Json;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Notifications;

/// <summary>An active patient whom notices can reach, signed in to the app.</summary>
public sealed record ReachablePatient(Session Owner, Guid PatientId, string Phone, string? Email, string AccessToken);

/// <summary>Patients to notify, and reading the dev mailbox as a developer would, through GET /dev/mailbox.</summary>
public static class NotificationFlows
{
    /// <summary>A new practice's active weekly patient with a unique phone (and email), invited without sending and signed in.</summary>
    public static async Task<ReachablePatient> ReachablePatientAsync(this ApiFactory api, string practice, bool withEmail = true, string timezone = "UTC")
    {
        var owner = await api.RegisterPracticeAsync(practice);
        var phone = "+4915" + Random.Shared.Next(10_000_000, 99_999_999);
        var email = withEmail ? TestApi.UniqueEmail("noticed") : null;
        var patient = await (await api.As(owner).PostAsJsonAsync("/api/v1/patients", new
        {
            firstName = "Nora", lastName = "Noticed", dateOfBirth = "1992-02-02", phone, email, totalStages = 20, currentStage = 1, timezone, scanFrequency = "weekly",
        })).ShouldBeAsync<PatientDto>(HttpStatusCode.Created);
        var code = (await (await api.As(owner).PostAsJsonAsync($"/api/v1/patients/{patient.Id}/invite", new { sendBy = "none" }))
            .ShouldBeAsync<PatientInvitationDto>(HttpStatusCode.OK)).Code;
        var activated = await (await api.CreateClient().PostAsJsonAsync("/api/v1/auth/patient/activate", new { code, deviceId = "noticed-device-" + Guid.NewGuid().ToString("N") }))
            .ShouldBeAsync<PatientActivationDto>(HttpStatusCode.OK);
        return new ReachablePatient(owner, patient.Id, phone, email, activated.AccessToken);
    }

    /// <summary>
    /// The patient turns quiet hours off (in the app), so a notice goes now whatever the hour the suite runs: with the
    /// default 21:00-08:00, a run in the evening would wait for the morning.
    /// </summary>
    public static async Task NoQuietHoursAsync(this ApiFactory api, string patientToken) =>
        await (await api.As(patientToken).PatchAsJsonAsync("/api/v1/me", new { quietHoursStart = "00:00", quietHoursEnd = "00:00" }))
            .ShouldBeAsync<MeDto>(HttpStatusCode.OK);

    public static async Task<IReadOnlyList<DevMailboxLetterDto>> MailboxAsync(this ApiFactory api, string recipient) =>
        await (await api.CreateClient().GetAsync($"/api/v1/dev/mailbox?recipient={Uri.EscapeDataString(recipient)}"))
            .ShouldBeAsync<List<DevMailboxLetterDto>>(HttpStatusCode.OK);

    /// <summary>Polls until the worker has delivered <paramref name="count"/> letters to the recipient; answers them newest first.</summary>
    public static async Task<IReadOnlyList<DevMailboxLetterDto>> LettersAsync(this ApiFactory api, string recipient, int count = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var letters = await api.MailboxAsync(recipient);
            if (letters.Count >= count) return letters;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{letters.Count} of {count} letters to {recipient} after 30 s.");
            await Task.Delay(200);
        }
    }

    /// <summary>Waits until no delivery job is left queued or running, so a test can say nothing more arrives.</summary>
    public static async Task DeliveriesSettledAsync(this ApiFactory api)
    {
        await using var db = await Sql.OpenAsync(api.OwnerConnectionString);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await db.ScalarAsync<long>("SELECT count(*) FROM jobs WHERE kind = 'notifications.deliver' AND status IN ('queued', 'running') AND run_after < now() + interval '1 minute'") > 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Notification deliveries did not settle in 30 s.");
            await Task.Delay(200);
        }
    }
}
