using System.Net;
using System.Net.Http.Json;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Auth;

/// <summary>The dashboard's refresh token lives in an httpOnly cookie, never in a body a script could read.</summary>
[Collection(ApiCollection.Name)]
public sealed class DashboardCookieTests(ApiFactory api)
{
    private const string CookieName = "orthoscan_refresh";

    [Fact]
    public async Task A_dashboard_sign_in_puts_the_refresh_token_in_a_strict_httponly_cookie_only()
    {
        var owner = await api.RegisterPracticeAsync();
        var response = await DashboardVerifyAsync(owner);

        var body = await response.ShouldBeAsync<AccessGrantDto>(HttpStatusCode.OK);
        body.AccessToken.ShouldNotBeNullOrEmpty();
        body.RefreshToken.ShouldBeNull();
        var cookie = SetCookie(response);
        cookie.ShouldContain("httponly", Case.Insensitive);
        cookie.ShouldContain("secure", Case.Insensitive);
        cookie.ShouldContain("samesite=strict", Case.Insensitive);
        cookie.ShouldContain("path=/api/v1/auth", Case.Insensitive);
    }

    [Fact]
    public async Task The_cookie_refreshes_the_session_and_rotates_and_a_replayed_cookie_ends_it()
    {
        var owner = await api.RegisterPracticeAsync();
        var first = CookieValue(await DashboardVerifyAsync(owner));

        var refreshed = await DashboardRefreshAsync(first);
        var body = await refreshed.ShouldBeAsync<AccessGrantDto>(HttpStatusCode.OK);
        body.RefreshToken.ShouldBeNull();
        (await api.As(body.AccessToken).GetAsync("/api/v1/patients")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var second = CookieValue(refreshed);
        second.ShouldNotBe(first);

        var replay = await DashboardRefreshAsync(first);
        await replay.ShouldFailAsync(HttpStatusCode.Unauthorized, "invalid-refresh-token");
        SetCookie(replay).ShouldContain("expires=Thu, 01 Jan 1970", Case.Insensitive);
        await (await DashboardRefreshAsync(second)).ShouldFailAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Without_the_dashboard_header_the_cookie_is_ignored()
    {
        var owner = await api.RegisterPracticeAsync();
        var cookie = CookieValue(await DashboardVerifyAsync(owner));

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/refresh") { Content = JsonContent.Create(new { }) };
        request.Headers.Add("Cookie", $"{CookieName}={cookie}");
        await (await api.CreateClient().SendAsync(request)).ShouldFailAsync(HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task Logout_clears_the_cookie_and_ends_its_session()
    {
        var owner = await api.RegisterPracticeAsync();
        var verified = await DashboardVerifyAsync(owner);
        var access = (await verified.ShouldBeAsync<AccessGrantDto>(HttpStatusCode.OK)).AccessToken;
        var cookie = CookieValue(verified);

        using var logout = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/logout");
        logout.Headers.Add("Authorization", $"Bearer {access}");
        logout.Headers.Add("X-OrthoScan-Client", "dashboard");
        var response = await api.CreateClient().SendAsync(logout);
        response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        SetCookie(response).ShouldContain("expires=Thu, 01 Jan 1970", Case.Insensitive);

        await (await DashboardRefreshAsync(cookie)).ShouldFailAsync(HttpStatusCode.Unauthorized);
    }

    private async Task<HttpResponseMessage> DashboardVerifyAsync(Session session)
    {
        var mfaToken = await api.PasswordStepAsync(session);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/mfa/verify")
        {
            Content = JsonContent.Create(new { mfaToken, code = TestApi.TotpCode(session.TotpSecret, session) }),
        };
        request.Headers.Add("X-OrthoScan-Client", "dashboard");
        return await api.CreateClient().SendAsync(request);
    }

    private async Task<HttpResponseMessage> DashboardRefreshAsync(string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/refresh") { Content = JsonContent.Create(new { }) };
        request.Headers.Add("X-OrthoScan-Client", "dashboard");
        request.Headers.Add("Cookie", $"{CookieName}={cookie}");
        return await api.CreateClient().SendAsync(request);
    }

    private static string SetCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values.Single(v => v.StartsWith(CookieName + "=", StringComparison.Ordinal)) : "";

    private static string CookieValue(HttpResponseMessage response) => SetCookie(response).Split(';')[0][(CookieName.Length + 1)..];
}
