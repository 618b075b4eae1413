using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Messaging;

/// <summary>Both sides of a conversation, through the real endpoints.</summary>
public static class MessagingFlows
{
    public static Task<HttpResponseMessage> SendAsync(this ApiFactory api, string accessToken, object body, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/messages") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString());
        return api.CreateClient().SendAsync(request);
    }

    public static async Task<MessageDto> WriteAsync(this ApiFactory api, string accessToken, Guid? patientId, string content) =>
        await (await api.SendAsync(accessToken, new { patientId, content })).ShouldBeAsync<MessageDto>(HttpStatusCode.Created);

    public static async Task<IReadOnlyList<MessageThreadDto>> ThreadsAsync(this ApiFactory api, string accessToken) =>
        (await (await api.As(accessToken).GetAsync("/api/v1/messages/threads")).ShouldBeAsync<PageDto<MessageThreadDto>>(HttpStatusCode.OK)).Items;

    public static async Task<PageDto<MessageDto>> ThreadAsync(this ApiFactory api, string accessToken, Guid threadId, string query = "") =>
        await (await api.As(accessToken).GetAsync($"/api/v1/messages/threads/{threadId}{query}")).ShouldBeAsync<PageDto<MessageDto>>(HttpStatusCode.OK);

    /// <summary>Polls the patient's thread (as the practice) until the worker has delivered a review's feedback as a system message.</summary>
    public static async Task<MessageDto> FeedbackDeliveredAsync(this ApiFactory api, string practiceToken, Guid patientId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var thread = (await api.ThreadsAsync(practiceToken)).FirstOrDefault(t => t.PatientId == patientId);
            if (thread is not null && (await api.ThreadAsync(practiceToken, thread.Id, "?limit=200")).Items.FirstOrDefault(m => m.SenderType == SenderType.System) is { } feedback)
                return feedback;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"No feedback message for patient {patientId} after 30 s.");
            await Task.Delay(200);
        }
    }
}
