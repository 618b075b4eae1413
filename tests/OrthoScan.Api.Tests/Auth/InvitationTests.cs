using System.Net;
using System.Net.Http.Json;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Auth;

/// <summary>Who may invite staff, and what an invitation code is good for.</summary>
[Collection(ApiCollection.Name)]
public sealed class InvitationTests(ApiFactory api)
{
    [Fact]
    public async Task Owner_invites_a_staff_member()
    {
        var owner = await api.RegisterPracticeAsync();

        var response = await api.As(owner).PostAsJsonAsync("/api/v1/practice/invitations",
            new { email = TestApi.UniqueEmail("staff"), name = "New Staff", role = "staff" });

        var invited = await response.ShouldBeAsync<StaffInvitationDto>(HttpStatusCode.Created);
        invited.InvitationCode.ShouldNotBeNullOrWhiteSpace();
        response.Headers.Location.ShouldNotBeNull();
    }

    [Fact]
    public async Task Staff_member_may_not_invite_staff()
    {
        var owner = await api.RegisterPracticeAsync();
        var staff = await api.AddMemberAsync(owner, "staff");

        var response = await api.As(staff).PostAsJsonAsync("/api/v1/practice/invitations",
            new { email = TestApi.UniqueEmail("staff"), name = "Sneaky Staff", role = "staff" });

        await response.ShouldFailAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Unknown_invitation_code_is_refused()
    {
        await (await Accept("ABCDEFGHJK")).ShouldFailAsync(HttpStatusCode.UnprocessableEntity, "invalid-invitation");
    }

    [Fact]
    public async Task Invitation_code_works_only_once()
    {
        var owner = await api.RegisterPracticeAsync();
        var invited = await (await api.As(owner).PostAsJsonAsync("/api/v1/practice/invitations",
            new { email = TestApi.UniqueEmail("doctor"), name = "New Doctor", role = "doctor" })).ShouldBeAsync<StaffInvitationDto>(HttpStatusCode.Created);
        var code = invited.InvitationCode;
        await (await Accept(code)).ShouldBeAsync<MfaChallengeDto>(HttpStatusCode.OK);

        await (await Accept(code, "another-strong-password-2")).ShouldFailAsync(HttpStatusCode.UnprocessableEntity, "invalid-invitation");
    }

    private Task<HttpResponseMessage> Accept(string code, string password = TestApi.Password) =>
        api.CreateClient().PostAsJsonAsync("/api/v1/auth/invitations/accept", new { code, password });
}
