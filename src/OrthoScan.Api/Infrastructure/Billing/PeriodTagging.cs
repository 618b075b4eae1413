namespace OrthoScan.Api.Infrastructure.Billing;

/// <summary>
/// What one practice received in a billing period and when each of those sessions was tagged, for
/// <see cref="DiscountPolicy.Count"/>. Runs on the caller's connection inside the practice (row-level security in force),
/// with an explicit practice_id so the (practice_id, processed_at) index applies. A session is received when processing
/// made it ready (processed_at in the period, and not sent back for a retake); it comes once per tag set, or once with
/// no tag time when it has none. A month of one practice is a few thousand short rows.
/// </summary>
public static class PeriodTagging
{
    private const string Sql = """
        SELECT s.id, s.processed_at, t.tagged_at
        FROM scan_sessions s
        LEFT JOIN tag_sets t ON t.practice_id = s.practice_id AND t.session_id = s.id
        WHERE s.practice_id = $1 AND s.processed_at >= $2 AND s.processed_at < $3
          AND s.status IN ('ready', 'reviewed', 'flagged')
        """;

    public static async Task<DiscountPolicy.Counts> CountAsync(AppDbContext db, Guid practiceId, BillingPeriod period, CancellationToken ct)
    {
        var rows = await db.QueryBatchAsync([Sql], [practiceId, period.Start, period.End],
            reader => reader.RowsAsync(r => new DiscountPolicy.SessionTagging(
                r.GetGuid(0), r.GetDateTime(1), r.IsDBNull(2) ? null : r.GetDateTime(2)), ct), ct);
        return DiscountPolicy.Count(rows);
    }
}
