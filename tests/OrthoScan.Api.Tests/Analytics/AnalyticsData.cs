using Microsoft.IdentityModel.JsonWebTokens;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;

namespace OrthoScan.Api.Tests.Analytics;

/// <summary>
/// Scan sessions and tag sets written straight into the test database (as the owner role, with the practice's tenant
/// setting), so a test controls every timestamp. Rows written this way bypass the API's cache invalidation: write them
/// before a practice's first analytics call.
/// </summary>
internal static class AnalyticsData
{
    public static async Task<Guid> PatientAsync(this ApiFactory api, Session owner) =>
        (await api.AddPatientAsync(owner, "Ana", "Lytics")).Id;

    public static async Task<Guid> SessionAsync(this ApiFactory api, Session owner, Guid patientId, string status, DateTime? submittedAt, DateTime? reviewedAt = null)
    {
        var id = Guid.CreateVersion7();
        await using var sql = await Sql.OpenAsync(api.OwnerConnectionString, owner.PracticeId);
        await sql.ExecuteAsync("""
            INSERT INTO scan_sessions (id, practice_id, patient_id, aligner_number, idempotency_key, request_hash, status, submitted_at, reviewed_at, image_count, created_at)
            VALUES (@id, @practice, @patient, 3, @key, '\x00'::bytea, @status, @submitted, @reviewed, 5, @created)
            """,
            ("id", id), ("practice", owner.PracticeId), ("patient", patientId), ("key", Guid.NewGuid().ToString()), ("status", status),
            ("submitted", (object?)submittedAt ?? DBNull.Value), ("reviewed", (object?)reviewedAt ?? DBNull.Value),
            ("created", (submittedAt ?? new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)).AddMinutes(-5)));
        return id;
    }

    public static async Task TagSetAsync(this ApiFactory api, Session owner, Guid sessionId, Guid memberId, DateTime taggedAt, int reviewSeconds,
        short tracking, short? fit, short hygiene, string action = "approve_progression", string detailTags = "[]")
    {
        await using var sql = await Sql.OpenAsync(api.OwnerConnectionString, owner.PracticeId);
        await sql.ExecuteAsync("""
            INSERT INTO tag_sets (id, practice_id, session_id, tagged_by, taxonomy_version, review_opened_at, tagged_at,
                                  overall_tracking, aligner_fit, oral_hygiene, detail_tags, action_taken, ai_suggested, ai_overridden)
            VALUES (@id, @practice, @session, @member, '2026.1', @opened, @tagged, @tracking, @fit, @hygiene, @tags::jsonb, @action, false, false)
            """,
            ("id", Guid.CreateVersion7()), ("practice", owner.PracticeId), ("session", sessionId), ("member", memberId),
            ("opened", taggedAt.AddSeconds(-reviewSeconds)), ("tagged", taggedAt), ("tracking", tracking), ("fit", (object?)fit ?? DBNull.Value),
            ("hygiene", hygiene), ("tags", detailTags), ("action", action));
    }

    /// <summary>The practice member id of a signed-in dashboard user (the tag sets' tagged_by).</summary>
    public static async Task<Guid> MemberIdAsync(this ApiFactory api, Session user)
    {
        await using var sql = await Sql.OpenAsync(api.OwnerConnectionString, user.PracticeId);
        return await sql.ScalarAsync<Guid>("SELECT id FROM practice_members WHERE practice_id = @p AND user_id = @u",
            ("p", user.PracticeId), ("u", UserId(user)));
    }

    /// <summary>The user id from the access token (members added by <see cref="TestApi.AddMemberAsync"/> carry none).</summary>
    public static Guid UserId(Session user)
    {
        if (user.UserId != Guid.Empty) return user.UserId;
        return Guid.Parse(new JsonWebToken(user.AccessToken).Subject);
    }

    /// <summary>The value counts of one score's distribution in a dashboard analytics answer, by taxonomy attribute key.</summary>
    public static IReadOnlyList<ValueCountDto> ScoreValues(DashboardAnalyticsDto analytics, string attribute) =>
        analytics.Scores.Single(s => s.Attribute == attribute).Values;

    public static Dictionary<string, int> Counts(IReadOnlyList<ValueCountDto> values) => values.ToDictionary(v => v.Value, v => v.Count);
}
