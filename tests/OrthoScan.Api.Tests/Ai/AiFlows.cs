using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using OrthoScan.Api.Features.Ai;
using OrthoScan.Api.Infrastructure.Ai;
using OrthoScan.Api.Infrastructure.Jobs;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Scans;
using Shouldly;

namespace OrthoScan.Api.Tests.Ai;

/// <summary>Ready scans sent through the real endpoints, and what the ai.suggest job made of them.</summary>
public static class AiFlows
{
    public sealed record StoredSuggestion(string ModelName, string ModelVersion, string Attribute, string Value, float Confidence, DateTime CreatedAt);

    /// <summary>A patient of the practice sends a scan; it is processed to ready (which enqueues ai.suggest).</summary>
    public static async Task<ScanSessionDto> ReadyScanAsync(this ApiFactory api, Session owner)
    {
        var app = await api.PatientAppAsync(owner);
        var session = await api.SendScanAndWaitAsync(app);
        session.Status.ShouldBe(ScanSessionStatus.Ready);
        return session;
    }

    public static async Task SetExternalAiAsync(this ApiFactory api, Session owner, bool on) =>
        (await api.As(owner).PatchAsJsonAsync("/api/v1/practice/settings", new { externalAiProcessing = on })).StatusCode.ShouldBe(HttpStatusCode.OK);

    /// <summary>Waits until the worker has finished the scan's ai.suggest job (succeeded or dead) and answers its status.</summary>
    public static async Task<string> SuggestJobFinishedAsync(this ApiFactory api, Guid sessionId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        await using var sql = await Sql.OpenAsync(api.OwnerConnectionString);
        while (true)
        {
            var statuses = await sql.ColumnAsync(
                $"SELECT status FROM jobs WHERE kind = '{AiJobs.SuggestTags}' AND payload->>'sessionId' = '{sessionId}'");
            statuses.Count.ShouldBe(1, "one ai.suggest job per ready scan");
            if (statuses[0] is "succeeded" or "dead") return statuses[0];
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The ai.suggest job of {sessionId} is still {statuses[0]} after 60 s.");
            await Task.Delay(200);
        }
    }

    public static async Task<List<StoredSuggestion>> StoredSuggestionsAsync(this ApiFactory api, Guid practiceId, Guid sessionId)
    {
        await using var sql = await Sql.OpenAsync(api.OwnerConnectionString, practiceId);
        await using var command = sql.CreateCommand();
        command.CommandText = "SELECT model_name, model_version, attribute, value, confidence, created_at FROM ai_suggestions WHERE session_id = @s ORDER BY attribute";
        command.Parameters.AddWithValue("s", sessionId);
        var rows = new List<StoredSuggestion>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add(new StoredSuggestion(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetFloat(4), reader.GetDateTime(5)));
        return rows;
    }

    /// <summary>The job run again as the worker runs it (a redelivery after a lost lease, or a retry).</summary>
    public static Task RunSuggestJobAsync(this ApiFactory api, Guid practiceId, Guid sessionId) =>
        api.Services.GetRequiredService<JobCatalog>().RunNowAsync(api.Services, new SuggestTags.Command(practiceId, sessionId), CancellationToken.None);
}
