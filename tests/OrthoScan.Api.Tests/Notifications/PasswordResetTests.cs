using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using OrthoScan.Api.Tests.Auth;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Notifications;

/// <summary>A forgotten password is reset from an emailed link: once, briefly, without telling anyone which emails exist.</summary>
[Collection(ApiCollection.Name)]
public sealed partial class PasswordResetTests(ApiFactory api)
{
    private const string NewPassword = "a brand new long passphrase 7";

    private Task<HttpResponseMessage> ForgotAsync(string email) => api.CreateClient().PostAsJsonAsync("/api/v1/auth/password/forgot", new { email });

    private Task<HttpResponseMessage> ResetAsync(string token, string password = NewPassword) =>
        api.CreateClient().PostAsJsonAsync("/api/v1/auth/password/reset", new { token, password });

    private async Task<string> EmailedTokenAsync(string email, int letters = 1)
    {
        var letter = (await api.LettersAsync(email, letters))[0];
        letter.Subject.ShouldBe("Reset your OrthoScan password");
        var token = TokenInLink().Match(letter.Body).Groups[1].Value;
        token.Length.ShouldBe(32);
        return token;
    }

    [Fact]
    public async Task A_member_resets_their_password_from_the_emailed_link_once_and_every_old_session_ends()
    {
        var owner = await api.RegisterPracticeAsync();
        (await ForgotAsync(owner.Email.ToUpperInvariant())).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var token = await EmailedTokenAsync(owner.Email);

        (await ResetAsync(token, "short")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ResetAsync(token)).StatusCode.ShouldBe(HttpStatusCode.NoContent, "a refused weak password did not use the token up");

        (await api.RefreshAsync(owner.RefreshToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "the old sign-in ended");
        (await api.ListPatientsAsync(owner.AccessToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "its access token too");
        (await api.LoginAsync(owner.Email, owner.Password)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var signedIn = await api.SignInAsync(owner with { Password = NewPassword });
        (await api.ListPatientsAsync(signedIn.AccessToken)).StatusCode.ShouldBe(HttpStatusCode.OK, "MFA still guards the new sign-in, and it works");

        await (await ResetAsync(token, "another long passphrase 8")).ShouldFailAsync(HttpStatusCode.UnprocessableEntity, "invalid-reset-token");
    }

    [Fact]
    public async Task The_answer_is_the_same_for_an_email_without_an_account_and_nothing_is_sent()
    {
        var owner = await api.RegisterPracticeAsync();
        var stranger = TestApi.UniqueEmail("stranger");

        var known = await ForgotAsync(owner.Email);
        var unknown = await ForgotAsync(stranger);
        unknown.StatusCode.ShouldBe(known.StatusCode);
        (await unknown.Content.ReadAsStringAsync()).ShouldBe(await known.Content.ReadAsStringAsync());
        unknown.Headers.Location.ShouldBe(known.Headers.Location);

        await api.LettersAsync(owner.Email);
        await api.DeliveriesSettledAsync();
        (await api.MailboxAsync(stranger)).ShouldBeEmpty();
        await (await ResetAsync("NOT-A-REAL-TOKEN")).ShouldFailAsync(HttpStatusCode.UnprocessableEntity, "invalid-reset-token");
        await (await api.CreateClient().PostAsJsonAsync("/api/v1/auth/password/forgot", new { email = "not an email" })).ShouldFailAsync(HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task A_new_link_replaces_the_one_before_and_thirty_parallel_uses_of_a_link_reset_once()
    {
        var owner = await api.RegisterPracticeAsync();
        (await ForgotAsync(owner.Email)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var first = await EmailedTokenAsync(owner.Email);
        (await ForgotAsync(owner.Email)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var second = await EmailedTokenAsync(owner.Email, 2);
        second.ShouldNotBe(first);
        await (await ResetAsync(first)).ShouldFailAsync(HttpStatusCode.UnprocessableEntity, "invalid-reset-token");

        var attempts = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => ResetAsync(second, $"racing passphrase number {i:00}")));
        attempts.Count(r => r.StatusCode == HttpStatusCode.NoContent).ShouldBe(1);
        attempts.Count(r => r.StatusCode == HttpStatusCode.UnprocessableEntity).ShouldBe(29);
    }

    [Fact]
    public async Task A_flood_of_requests_for_one_address_sends_at_most_three_emails_an_hour_and_answers_alike()
    {
        var owner = await api.RegisterPracticeAsync();
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => ForgotAsync(owner.Email)));
        answers.ShouldAllBe(r => r.StatusCode == HttpStatusCode.Accepted);
        await api.LettersAsync(owner.Email, 3);
        await api.DeliveriesSettledAsync();
        (await api.MailboxAsync(owner.Email)).Count.ShouldBe(3);
    }

    [GeneratedRegex("#token=([A-Z0-9]+)")]
    private static partial Regex TokenInLink();
}
