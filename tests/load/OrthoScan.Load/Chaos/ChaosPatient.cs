using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using OtpNet;

namespace OrthoScan.Load.Chaos;

/// <summary>What the API acknowledged for one patient's scan: the record the verdict checks against the database.</summary>
internal sealed class Ack
{
    public required Guid PracticeId { get; init; }
    public Guid? PatientId { get; set; }
    /// <summary>Generated once per patient and kept across every retry of the create, as the app does.</summary>
    public required string IdempotencyKey { get; init; }
    public Guid? SessionId { get; set; }
    public bool Created { get; set; }
    public bool Submitted { get; set; }
    /// <summary>The status the submit's answer gave (processing, or ready if a retry came after the worker).</summary>
    public string? SubmitStatus { get; set; }
    /// <summary>Create answers that named another session than the first one did: a broken idempotency key.</summary>
    public List<Guid> OtherSessionIds { get; } = [];
    public string? Error { get; set; }
}

/// <summary>Practice owner and patient sign-up, and one scan per patient, each step retried through <see cref="Resilient"/>.</summary>
internal sealed class ChaosPatient(Resilient api, byte[][] photos)
{
    public static readonly string[] Views = ["frontal", "buccal_l", "buccal_r", "occlusal_u", "occlusal_l"];
    private const string Password = "chaos-harness-password-0123";

    /// <summary>
    /// Registers a practice and signs its owner in. Registration is not idempotent: when a step fails for good (the answer
    /// to a register was lost, then the MFA token expired...), the whole sign-up starts again with a new email.
    /// </summary>
    public async Task<(Guid PracticeId, string OwnerToken)> RegisterPracticeAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var email = $"chaos.{Guid.NewGuid():N}@load.orthoscan.local";
                var registered = await api.JsonAsync("register", HttpMethod.Post, "/api/v1/auth/register", null,
                    new { practiceName = "Chaos Test Practice", ownerName = "Dr. Chaos", email, password = Password });
                var mfaToken = registered["mfaToken"]!.GetValue<string>();
                var enrolled = await api.JsonAsync("mfa enroll", HttpMethod.Post, "/api/v1/auth/mfa/enroll", null, new { mfaToken });
                var code = new Totp(Base32Encoding.ToBytes(enrolled["secret"]!.GetValue<string>())).ComputeTotp(DateTime.UtcNow);
                var tokens = await api.JsonAsync("mfa verify", HttpMethod.Post, "/api/v1/auth/mfa/verify", null, new { mfaToken, code });
                return (Guid.Parse(registered["practiceId"]!.GetValue<string>()), tokens["accessToken"]!.GetValue<string>());
            }
            catch (Exception e) when (e is RefusedException or TimeoutException && attempt < 5)
            {
                await Console.Error.WriteLineAsync($"chaos: practice sign-up attempt {attempt} failed, starting again: {e.Message}");
            }
        }
    }

    /// <summary>
    /// The owner adds a patient and invites them; the app activates. A lost activation answer consumes the code, so an
    /// invitation and its activation are retried together (a new code each time); the patient row is created once.
    /// </summary>
    public async Task<string> OnboardAsync(string ownerToken, Ack ack)
    {
        var patient = await api.JsonAsync("create patient", HttpMethod.Post, "/api/v1/patients", ownerToken, new
        {
            firstName = "Chaos", lastName = "Patient", dateOfBirth = "1990-04-12", email = "chaos.patient@load.orthoscan.local",
            totalStages = 20, currentStage = 1, preferredLanguage = "en", timezone = "Europe/Paris",
        });
        ack.PatientId = Guid.Parse(patient["id"]!.GetValue<string>());
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var invitation = await api.JsonAsync("invite", HttpMethod.Post, $"/api/v1/patients/{ack.PatientId}/invite", ownerToken, new { sendBy = "none" });
                var deviceId = "chaos-harness-" + Guid.NewGuid().ToString("N");
                var activated = await api.JsonAsync("activate", HttpMethod.Post, "/api/v1/auth/patient/activate", null,
                    new { code = invitation["code"]!.GetValue<string>(), deviceId });
                return activated["accessToken"]!.GetValue<string>();
            }
            catch (RefusedException e) when (e.Problem?["code"]?.GetValue<string>() == "invalid-invitation" && attempt < 5)
            {
                // The code was redeemed by an attempt whose answer never came back.
            }
        }
    }

    /// <summary>Declare (one key, kept), upload the five views, submit: what the verdict expects to find settled.</summary>
    public async Task ScanAsync(string token, Ack ack)
    {
        var key = ("Idempotency-Key", ack.IdempotencyKey);
        var body = new { alignerNumber = 1, views = Views };
        var created = await api.JsonAsync("create session", HttpMethod.Post, "/api/v1/scans/sessions", token, body, key);
        ack.SessionId = Guid.Parse(created["id"]!.GetValue<string>());
        ack.Created = true;

        for (var i = 0; i < Views.Length; i++) await UploadAsync(token, ack.SessionId.Value, Views[i], photos[i]);

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var submitted = await api.JsonAsync("submit", HttpMethod.Post, $"/api/v1/scans/sessions/{ack.SessionId}/submit", token, null);
                ack.Submitted = true;
                ack.SubmitStatus = submitted["status"]?.GetValue<string>();
                break;
            }
            catch (RefusedException e) when (e.Problem?["code"]?.GetValue<string>() == "photos-missing" && attempt < 3)
            {
                // As the app would: send the views the API says it lacks again, then submit again.
                foreach (var view in e.Problem["errors"]?["views"]?.AsArray().Select(v => v!.GetValue<string>()) ?? [])
                    await UploadAsync(token, ack.SessionId.Value, view, photos[Array.IndexOf(Views, view)]);
            }
        }

        // A create retried after the submit must still answer the same session (idempotency across the whole flow).
        var again = await api.JsonAsync("create session again", HttpMethod.Post, "/api/v1/scans/sessions", token, body, key);
        var againId = Guid.Parse(again["id"]!.GetValue<string>());
        if (againId != ack.SessionId) ack.OtherSessionIds.Add(againId);
    }

    /// <summary>A fresh signed URL per attempt: a grant whose answer was lost is simply never used (its raw object never exists).</summary>
    private async Task UploadAsync(string token, Guid sessionId, string view, byte[] bytes)
    {
        for (var attempt = 1; ; attempt++)
        {
            var grant = await api.JsonAsync($"upload-url {view}", HttpMethod.Post, "/api/v1/scans/upload-url", token,
                new { sessionId, imageType = view, contentType = "image/jpeg", contentLength = bytes.Length });
            var url = new Uri(api.BaseUrl, grant["url"]!.GetValue<string>());
            Loopback.Require(url);
            try
            {
                await api.SendAsync($"PUT {view}", () =>
                {
                    var put = new HttpRequestMessage(new HttpMethod(grant["method"]?.GetValue<string>() ?? "PUT"), url) { Content = new ByteArrayContent(bytes) };
                    put.Content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                    foreach (var (name, value) in grant["headers"]!.AsObject())
                    {
                        if (!name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) put.Headers.TryAddWithoutValidation(name, value!.GetValue<string>());
                    }
                    return put;
                });
                return;
            }
            catch (RefusedException e) when (e.Status is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized or HttpStatusCode.Conflict && attempt < 3)
            {
                // The URL expired while the API was down (5 minutes), or was already used: ask for a new one.
            }
        }
    }
}
