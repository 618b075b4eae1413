using OrthoScan.Api.Tests.Analytics;
using OrthoScan.Api.Tests.Infrastructure;

namespace OrthoScan.Api.Tests.Billing;

/// <summary>
/// Received scans and their tag sets written straight into the test database (as the owner role, in the practice), so a
/// test chooses when each scan was processed and tagged.
/// </summary>
internal static class BillingData
{
    public static async Task<Guid> ProcessedSessionAsync(this ApiFactory api, Session owner, Guid patientId, DateTime processedAt, string status = "ready")
    {
        var id = await api.SessionAsync(owner, patientId, status, submittedAt: processedAt.AddMinutes(-2));
        await using var sql = await Sql.OpenAsync(api.OwnerConnectionString, owner.PracticeId);
        await sql.ExecuteAsync("UPDATE scan_sessions SET processed_at = @processed WHERE id = @id", ("processed", processedAt), ("id", id));
        return id;
    }

    public static Task TaggedAsync(this ApiFactory api, Session owner, Guid sessionId, Guid memberId, DateTime taggedAt) =>
        api.TagSetAsync(owner, sessionId, memberId, taggedAt, reviewSeconds: 30, tracking: 1, fit: 1, hygiene: 2);

    /// <summary>A review that moved the scan on without a tag set: what a quick action leaves behind.</summary>
    public static async Task QuickActionAsync(this ApiFactory api, Session owner, Guid sessionId, Guid memberId, DateTime at)
    {
        await using var sql = await Sql.OpenAsync(api.OwnerConnectionString, owner.PracticeId);
        await sql.ExecuteAsync("UPDATE scan_sessions SET status = 'reviewed', reviewed_by = @member, reviewed_at = @at WHERE id = @id",
            ("member", memberId), ("at", at), ("id", sessionId));
    }
}
