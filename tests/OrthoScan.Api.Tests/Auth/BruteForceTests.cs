using System.Net;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Auth;

/// <summary>
/// An attacker who knows the password sends many codes at once: the attempt is counted before the code is compared,
/// so parallel guesses get no further than five sequential ones.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class BruteForceTests(ApiFactory api)
{
    [Fact]
    public async Task Thirty_parallel_wrong_codes_have_at_most_five_evaluated_and_lock_the_account()
    {
        var owner = await api.RegisterPracticeAsync();
        var mfaToken = await api.PasswordStepAsync(owner);
        var wrong = AuthFlows.WrongCode(owner.TotpSecret);

        var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => api.VerifyMfaAsync(mfaToken, wrong)));

        var kinds = await Task.WhenAll(responses.Select(ProblemTypeAsync));
        kinds.Count(k => k == "invalid-mfa-code").ShouldBeLessThanOrEqualTo(5, string.Join(", ", kinds));
        kinds.ShouldAllBe(k => k == "invalid-mfa-code" || k == "account-locked" || k == "mfa-token-locked");
        await (await api.VerifyMfaAsync(mfaToken, TestApi.TotpCode(owner.TotpSecret, owner)))
            .ShouldFailAsync(HttpStatusCode.Unauthorized, "mfa-token-locked");
        await (await api.LoginAsync(owner.Email, owner.Password)).ShouldFailAsync(HttpStatusCode.Locked, "account-locked");
    }

    [Fact]
    public async Task Twenty_parallel_wrong_passwords_have_at_most_five_evaluated()
    {
        var owner = await api.RegisterPracticeAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => api.LoginAsync(owner.Email, $"wrong-password-number-{i}")));

        var kinds = await Task.WhenAll(responses.Select(ProblemTypeAsync));
        kinds.Count(k => k == "invalid-credentials").ShouldBeLessThanOrEqualTo(5, string.Join(", ", kinds));
        kinds.ShouldAllBe(k => k == "invalid-credentials" || k == "account-locked");
        await (await api.LoginAsync(owner.Email, owner.Password)).ShouldFailAsync(HttpStatusCode.Locked, "account-locked");
    }

    [Fact]
    public async Task An_mfa_token_that_met_five_wrong_codes_refuses_even_the_right_one()
    {
        var owner = await api.RegisterPracticeAsync();
        var mfaToken = await api.PasswordStepAsync(owner);
        for (var i = 0; i < 5; i++)
            await (await api.VerifyMfaAsync(mfaToken, AuthFlows.WrongCode(owner.TotpSecret))).ShouldFailAsync(HttpStatusCode.Unauthorized, "invalid-mfa-code");

        var right = await api.VerifyMfaAsync(mfaToken, TestApi.TotpCode(owner.TotpSecret, owner));

        await right.ShouldFailAsync(HttpStatusCode.Unauthorized, "mfa-token-locked");
    }

    [Fact]
    public async Task An_mfa_token_is_spent_by_its_first_sign_in()
    {
        var owner = await api.RegisterPracticeAsync();
        var mfaToken = await api.PasswordStepAsync(owner);
        await (await api.VerifyMfaAsync(mfaToken, TestApi.TotpCode(owner.TotpSecret, owner))).ShouldBeAsync<AccessGrantDto>(HttpStatusCode.OK);

        var again = await api.VerifyMfaAsync(mfaToken, AuthFlows.WrongCode(owner.TotpSecret));

        await again.ShouldFailAsync(HttpStatusCode.Unauthorized, "mfa-token-locked");
    }

    [Fact]
    public async Task Right_passwords_without_mfa_do_not_count_as_failures()
    {
        var owner = await api.RegisterPracticeAsync();
        for (var i = 0; i < 8; i++) await api.PasswordStepAsync(owner);

        await (await api.VerifyMfaAsync(await api.PasswordStepAsync(owner), TestApi.TotpCode(owner.TotpSecret, owner))).ShouldBeAsync<AccessGrantDto>(HttpStatusCode.OK);
    }

    private static async Task<string> ProblemTypeAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBeInRange(400, 499, body);
        return ContractJson.Read<ProblemDto>(body).Type.Split('/')[^1];
    }
}
