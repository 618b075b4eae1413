using System.Net;
using System.Net.Http.Json;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.DataRights;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Scans;
using Shouldly;

namespace OrthoScan.Api.Tests.Messaging;

/// <summary>A first review's feedback reaches the patient's thread as a system message, once.</summary>
[Collection(ApiCollection.Name)]
public sealed class FeedbackDeliveryTests(ApiFactory api)
{
    [Fact]
    public async Task The_reviews_feedback_arrives_once_in_the_patients_language_even_when_the_job_is_delivered_again_in_parallel()
    {
        var owner = await api.RegisterPracticeAsync("Feedback Clinic");
        var patient = await api.PatientAppAsync(owner, "Listener");
        await (await api.As(owner).PatchAsJsonAsync($"/api/v1/patients/{patient.PatientId}", new { preferredLanguage = "de" })).ShouldBeAsync<PatientDto>(HttpStatusCode.OK);
        var scan = await api.SendScanAndWaitAsync(patient);
        await api.TagAsync(owner, scan.Id);

        var feedback = await api.FeedbackDeliveredAsync(owner.AccessToken, patient.PatientId);
        feedback.SenderName.ShouldBeNull();
        feedback.Content.ShouldStartWith("Sehr gut!");
        var session = await (await api.As(patient.AccessToken).GetAsync($"/api/v1/scans/sessions/{scan.Id}")).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.OK);
        feedback.Content.ShouldBe(session.PatientFeedback);
        var mine = (await api.ThreadsAsync(patient.AccessToken)).ShouldHaveSingleItem();
        mine.Unread.ShouldBe(1, "the patient has the feedback to read");
        mine.LastSenderType.ShouldBe(SenderType.System);

        // The same job delivered five more times at once (a worker that died after writing, retries racing each other).
        await using (var db = await Sql.OpenAsync(api.OwnerConnectionString))
        {
            for (var i = 0; i < 5; i++)
            {
                await db.ExecuteAsync("""
                    INSERT INTO jobs (id, kind, payload, status, attempts, max_attempts, run_after, created_at)
                    SELECT gen_random_uuid(), kind, payload, 'queued', 0, 5, now(), now() FROM jobs
                    WHERE kind = 'patient_feedback.deliver' AND payload->>'sessionId' = @s LIMIT 1
                    """, ("s", (object)scan.Id.ToString()));
            }
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (await db.ScalarAsync<long>("SELECT count(*) FROM jobs WHERE kind = 'patient_feedback.deliver' AND payload->>'sessionId' = @s AND status <> 'succeeded'",
                       ("s", (object)scan.Id.ToString())) > 0)
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException("The repeated deliveries did not finish.");
                await Task.Delay(200);
            }
            (await db.ScalarAsync<long>("SELECT count(*) FROM jobs WHERE kind = 'patient_feedback.deliver' AND payload->>'sessionId' = @s", ("s", (object)scan.Id.ToString())))
                .ShouldBe(6);
        }

        var messages = (await api.ThreadAsync(patient.AccessToken, mine.Id)).Items;
        messages.ShouldHaveSingleItem().Id.ShouldBe(feedback.Id);
    }
}
