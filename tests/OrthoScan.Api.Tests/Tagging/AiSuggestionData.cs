using OrthoScan.Api.Tests.Infrastructure;

namespace OrthoScan.Api.Tests.Tagging;

/// <summary>Writes a model run's suggestions for a scan the way a suggester does: as the app role, inside the practice.</summary>
public static class AiSuggestionData
{
    public static async Task InsertRunAsync(ApiFactory api, Guid practiceId, Guid sessionId, DateTime createdAt, params (string Attribute, string Value, float Confidence)[] rows)
    {
        await using var db = await Sql.OpenAsync(api.AppConnectionString, practiceId);
        foreach (var (attribute, value, confidence) in rows)
            await db.ExecuteAsync("""
                INSERT INTO ai_suggestions (id, practice_id, session_id, model_name, model_version, attribute, value, confidence, created_at)
                VALUES (gen_random_uuid(), @practice, @session, 'test-model', '1.0', @attribute, @value, @confidence, @created)
                """,
                ("practice", practiceId), ("session", sessionId), ("attribute", attribute), ("value", value),
                ("confidence", confidence), ("created", createdAt));
    }
}
