using OrthoScan.Api.Infrastructure.Jobs;

namespace OrthoScan.Api.Infrastructure.Messaging;

/// <summary>The feedback delivery job's kind, and how the tagging area enqueues it without knowing the messaging area.</summary>
public static class MessagingJobs
{
    public const string DeliverPatientFeedback = "patient_feedback.deliver";

    /// <summary>Deliver a first review's feedback to the patient, in the caller's transaction (see <see cref="IJobQueue"/>).</summary>
    public static Task<Guid> EnqueuePatientFeedbackAsync(this IJobQueue queue, Guid practiceId, Guid patientId, Guid sessionId, CancellationToken ct) =>
        queue.EnqueueAsync(DeliverPatientFeedback, new PatientFeedbackPayload(practiceId, patientId, sessionId), cancellationToken: ct);

    private sealed record PatientFeedbackPayload(Guid PracticeId, Guid PatientId, Guid SessionId);
}
