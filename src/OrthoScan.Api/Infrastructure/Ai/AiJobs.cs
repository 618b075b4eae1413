using OrthoScan.Api.Infrastructure.Jobs;

namespace OrthoScan.Api.Infrastructure.Ai;

/// <summary>The suggestion job's kind, and how the scan area enqueues it without knowing the Ai area.</summary>
public static class AiJobs
{
    public const string SuggestTags = "ai.suggest";

    /// <summary>Suggest tags for a ready scan, in the caller's transaction (see <see cref="IJobQueue"/>).</summary>
    public static Task<Guid> EnqueueSuggestTagsAsync(this IJobQueue queue, Guid practiceId, Guid sessionId, CancellationToken ct) =>
        queue.EnqueueAsync(SuggestTags, new SuggestTagsPayload(practiceId, sessionId), cancellationToken: ct);

    private sealed record SuggestTagsPayload(Guid PracticeId, Guid SessionId);
}
