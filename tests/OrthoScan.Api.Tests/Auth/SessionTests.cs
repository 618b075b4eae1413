using System.Net;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Auth;

/// <summary>Refresh-token rotation, reuse detection and sign-out.</summary>
[Collection(ApiCollection.Name)]
public sealed class SessionTests(ApiFactory api)
{
    [Fact]
    public async Task Refresh_answers_a_new_working_token_pair()
    {
        var owner = await api.RegisterPracticeAsync();

        var rotated = await (await api.RefreshAsync(owner.RefreshToken)).ShouldBeAsync<AccessGrantDto>(HttpStatusCode.OK);

        rotated.RefreshToken.ShouldNotBeNull().ShouldNotBe(owner.RefreshToken);
        rotated.AccessToken.ShouldNotBe(owner.AccessToken);
        rotated.ExpiresIn.ShouldBeGreaterThan(0);
        await (await api.ListPatientsAsync(rotated.AccessToken)).ShouldBeAsync<PageDto<PatientDto>>(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Reusing_a_rotated_refresh_token_ends_the_whole_sign_in()
    {
        var owner = await api.RegisterPracticeAsync();
        var rotated = await (await api.RefreshAsync(owner.RefreshToken)).ShouldBeAsync<AccessGrantDto>(HttpStatusCode.OK);

        await (await api.RefreshAsync(owner.RefreshToken)).ShouldFailAsync(HttpStatusCode.Unauthorized, "invalid-refresh-token");

        await (await api.RefreshAsync(rotated.RefreshToken.ShouldNotBeNull())).ShouldFailAsync(HttpStatusCode.Unauthorized, "invalid-refresh-token");
        (await api.ListPatientsAsync(rotated.AccessToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await api.ListPatientsAsync(owner.AccessToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Racing_the_same_refresh_token_yields_at_most_one_new_session_and_every_other_copy_a_clear_refusal()
    {
        // Twenty sign-ins, each refreshed by twelve copies at once: the copies that lose revoke the family while the winner
        // rotates it. Before every refresh took the family's lock first, some of them deadlocked in PostgreSQL (a 503).
        for (var round = 0; round < 20; round++)
        {
            var owner = await api.RegisterPracticeAsync();
            var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => api.RefreshAsync(owner.RefreshToken)));

            responses.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBeLessThanOrEqualTo(1);
            responses.Select(r => r.StatusCode).ShouldAllBe(status => status == HttpStatusCode.OK || status == HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task Reuse_in_one_sign_in_leaves_the_users_other_sign_ins_alone()
    {
        var owner = await api.RegisterPracticeAsync();
        var otherDevice = await api.SignInAsync(owner);
        await (await api.RefreshAsync(owner.RefreshToken)).ShouldBeAsync<AccessGrantDto>(HttpStatusCode.OK);
        await (await api.RefreshAsync(owner.RefreshToken)).ShouldFailAsync(HttpStatusCode.Unauthorized, "invalid-refresh-token");

        await (await api.ListPatientsAsync(otherDevice.AccessToken)).ShouldBeAsync<PageDto<PatientDto>>(HttpStatusCode.OK);
        await (await api.RefreshAsync(otherDevice.RefreshToken.ShouldNotBeNull())).ShouldBeAsync<AccessGrantDto>(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Logout_ends_both_the_access_token_and_the_refresh_token()
    {
        var owner = await api.RegisterPracticeAsync();
        await (await api.ListPatientsAsync(owner.AccessToken)).ShouldBeAsync<PageDto<PatientDto>>(HttpStatusCode.OK);

        await (await api.As(owner).PostAsync("/api/v1/auth/logout", null)).ShouldBeEmptyAsync(HttpStatusCode.NoContent);

        (await api.ListPatientsAsync(owner.AccessToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        await (await api.RefreshAsync(owner.RefreshToken)).ShouldFailAsync(HttpStatusCode.Unauthorized, "invalid-refresh-token");
    }

    [Fact]
    public async Task Unknown_refresh_token_is_refused()
    {
        await (await api.RefreshAsync("not-a-refresh-token-we-ever-issued")).ShouldFailAsync(HttpStatusCode.Unauthorized, "invalid-refresh-token");
    }
}
