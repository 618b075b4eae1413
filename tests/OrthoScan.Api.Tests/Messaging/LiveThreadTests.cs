using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using OrthoScan.Api.Infrastructure.Security;
using OrthoScan.Api.Tests.Auth;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.DataRights;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Scans;
using Shouldly;

namespace OrthoScan.Api.Tests.Messaging;

/// <summary>
/// Open dashboards and apps hear of a changed thread at once, through the live hub: only the practice of the thread and
/// its own patient, never another practice or another patient.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class LiveThreadTests(ApiFactory api)
{
    [Fact]
    public async Task The_practice_hears_the_patients_reply_and_the_patient_hears_the_practices_message_and_its_reading_live()
    {
        var owner = await api.RegisterPracticeAsync("Live Clinic");
        var patient = await api.PatientAppAsync(owner, "Live");
        await using var dashboard = await LiveThreadClient.ConnectAsync(api, owner.AccessToken);
        await using var app = await LiveThreadClient.ConnectAsync(api, patient.AccessToken);

        var reply = await api.WriteAsync(patient.AccessToken, null, "Is it normal that tray 4 feels tight?");
        (await dashboard.NextAsync()).ShouldBe(new ThreadChangedDto(reply.ThreadId, patient.PatientId));
        (await app.NextAsync()).ShouldBe(new ThreadChangedDto(reply.ThreadId, patient.PatientId), "the patient's other devices update too");

        var answer = await api.WriteAsync(owner.AccessToken, patient.PatientId, "Yes, for the first two days.");
        (await app.NextAsync()).ThreadId.ShouldBe(answer.ThreadId);
        (await dashboard.NextAsync()).ThreadId.ShouldBe(answer.ThreadId);

        var read = await (await api.As(patient.AccessToken).PatchAsync($"/api/v1/messages/{answer.Id}/read", null)).ShouldBeAsync<MessageDto>(HttpStatusCode.OK);
        read.ReadAt.ShouldNotBeNull();
        (await dashboard.NextAsync()).ThreadId.ShouldBe(answer.ThreadId, "the practice sees its message read");
    }

    [Fact]
    public async Task Another_practice_and_another_patient_of_the_same_practice_hear_nothing_of_a_thread()
    {
        var owner = await api.RegisterPracticeAsync("Live Private Clinic");
        var patient = await api.PatientAppAsync(owner, "Private");
        var neighbour = await api.PatientAppAsync(owner, "Neighbour");
        var otherOwner = await api.RegisterPracticeAsync("Live Other Clinic");
        var otherPatient = await api.PatientAppAsync(otherOwner, "Elsewhere");
        await using var dashboard = await LiveThreadClient.ConnectAsync(api, owner.AccessToken);
        await using var neighbourApp = await LiveThreadClient.ConnectAsync(api, neighbour.AccessToken);
        await using var otherDashboard = await LiveThreadClient.ConnectAsync(api, otherOwner.AccessToken);

        var secret = await api.WriteAsync(owner.AccessToken, patient.PatientId, "Your retake is due.");
        (await dashboard.NextAsync()).ThreadId.ShouldBe(secret.ThreadId);

        // Changes reach each connection in order, so the first change each of the others hears must be its own.
        var neighbours = await api.WriteAsync(neighbour.AccessToken, null, "Hello");
        (await neighbourApp.NextAsync()).ShouldBe(new ThreadChangedDto(neighbours.ThreadId, neighbour.PatientId));
        var others = await api.WriteAsync(otherOwner.AccessToken, otherPatient.PatientId, "Hello from elsewhere");
        (await otherDashboard.NextAsync()).ShouldBe(new ThreadChangedDto(others.ThreadId, otherPatient.PatientId));
    }

    [Fact]
    public async Task The_reviews_feedback_that_the_worker_delivers_reaches_the_open_app_live()
    {
        var owner = await api.RegisterPracticeAsync("Live Feedback Clinic");
        var patient = await api.PatientAppAsync(owner, "Awaiting");
        var scan = await api.SendScanAndWaitAsync(patient);
        await using var app = await LiveThreadClient.ConnectAsync(api, patient.AccessToken);

        await api.TagAsync(owner, scan.Id);

        var change = await app.NextAsync();
        var feedback = await api.FeedbackDeliveredAsync(owner.AccessToken, patient.PatientId);
        change.ShouldBe(new ThreadChangedDto(feedback.ThreadId, patient.PatientId));
    }

    [Fact]
    public async Task The_hub_refuses_a_missing_or_forged_token_and_platform_users_who_have_no_threads()
    {
        var owner = await api.RegisterPracticeAsync("Live Door Clinic");
        var finance = api.Services.GetRequiredService<TokenService>().CreateAccessToken(Guid.NewGuid(), OrthoScan.Api.Domain.Role.Finance, null, Guid.NewGuid());
        var forged = owner.AccessToken[..^4] + (owner.AccessToken.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        async Task<HttpStatusCode> NegotiateAsync(string? token)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/hubs/messages/negotiate?negotiateVersion=1"
                + (token is null ? "" : "&access_token=" + Uri.EscapeDataString(token)));
            return (await api.CreateClient().SendAsync(request)).StatusCode;
        }

        (await NegotiateAsync(null)).ShouldBe(HttpStatusCode.Unauthorized);
        (await NegotiateAsync(forged)).ShouldBe(HttpStatusCode.Unauthorized);
        (await NegotiateAsync(finance)).ShouldBe(HttpStatusCode.Forbidden);
        (await NegotiateAsync(owner.AccessToken)).ShouldBe(HttpStatusCode.OK);

        // The query string carries a token to the hub alone: elsewhere it is no way in.
        var elsewhere = new HttpRequestMessage(HttpMethod.Get, "/api/v1/messages/threads?access_token=" + Uri.EscapeDataString(owner.AccessToken));
        (await api.CreateClient().SendAsync(elsewhere)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var header = new HttpRequestMessage(HttpMethod.Get, "/api/v1/messages/threads");
        header.Headers.Authorization = new AuthenticationHeaderValue("Bearer", owner.AccessToken);
        (await api.CreateClient().SendAsync(header)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Signing_out_closes_that_sign_ins_live_connections_at_once_and_leaves_the_others_listening()
    {
        var owner = await api.RegisterPracticeAsync("Live Exit Clinic");
        var otherSignIn = await api.SignInAsync(owner);
        var patient = await api.PatientAppAsync(owner, "Still");
        await using var leaving = await LiveThreadClient.ConnectAsync(api, owner.AccessToken);
        await using var staying = await LiveThreadClient.ConnectAsync(api, otherSignIn.AccessToken);

        (await api.As(owner).PostAsync("/api/v1/auth/logout", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await leaving.ClosedAsync();

        var message = await api.WriteAsync(otherSignIn.AccessToken, patient.PatientId, "Still here");
        (await staying.NextAsync()).ThreadId.ShouldBe(message.ThreadId);
    }
}
