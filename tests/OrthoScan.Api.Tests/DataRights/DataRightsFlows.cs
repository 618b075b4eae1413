using System.Net;
using System.Net.Http.Json;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Scans;
using Shouldly;

namespace OrthoScan.Api.Tests.DataRights;

/// <summary>A patient with a processed scan that a doctor tagged and a message thread: something in every part of a record.</summary>
public sealed record RecordedPatient(Session Owner, PatientApp App, PatientDto Patient, ScanSessionDto Session, Guid ThreadId);

public static class DataRightsFlows
{
    public const string FirstName = "Henrietta";
    public const string LastName = "Lacks";
    public const string Email = "ada@example.com";
    public const string MessageText = "Your aligners fit well, keep going.";

    public static async Task<RecordedPatient> RecordedPatientAsync(this ApiFactory api, string practiceName)
    {
        var owner = await api.RegisterPracticeAsync(practiceName);
        var app = await api.PatientAppAsync(owner, LastName);
        await (await api.As(owner).PatchAsJsonAsync($"/api/v1/patients/{app.PatientId}", new { firstName = FirstName, phone = "+14155550123", researchConsent = true }))
            .ShouldBeAsync<PatientDto>(HttpStatusCode.OK);
        var session = await api.SendScanAndWaitAsync(app);
        session.Status.ShouldBe(ScanSessionStatus.Ready);
        var patient = await (await api.As(owner).GetAsync($"/api/v1/patients/{app.PatientId}")).ShouldBeAsync<PatientDto>(HttpStatusCode.OK);

        var thread = Guid.CreateVersion7();
        await using var sql = await Sql.OpenAsync(api.AppConnectionString, owner.PracticeId);
        await sql.ExecuteAsync("INSERT INTO message_threads (id, practice_id, patient_id, subject, created_at) VALUES (@t, @p, @patient, 'Check-in', now())",
            ("t", thread), ("p", owner.PracticeId), ("patient", app.PatientId));
        await sql.ExecuteAsync("""
            INSERT INTO messages (id, practice_id, thread_id, sender_type, content, attachments, created_at)
            VALUES (gen_random_uuid(), @p, @t, 'doctor', @content, '{}', now())
            """, ("p", owner.PracticeId), ("t", thread), ("content", MessageText));
        return new RecordedPatient(owner, app, patient, session, thread);
    }

    public static async Task<TagSetDto> TagAsync(this ApiFactory api, Session doctor, Guid sessionId) =>
        await (await api.As(doctor).PostAsJsonAsync($"/api/v1/scans/sessions/{sessionId}/tags",
                new { taxonomyVersion = "2026.1", overallTracking = 3, alignerFit = 2, oralHygiene = 2, detailTags = Array.Empty<object>(), action = "approve_progression", notes = "Fine." }))
            .ShouldBeAsync<TagSetDto>(HttpStatusCode.Created);

    public static Task<HttpResponseMessage> EraseAsync(this ApiFactory api, string? accessToken, Guid patientId, string? confirmation = "ERASE") =>
        api.As(accessToken).PostAsJsonAsync($"/api/v1/patients/{patientId}/erasure", new { confirmation });
}
