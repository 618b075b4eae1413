using System.Net;
using System.Net.Http.Json;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Auth;

[Collection(ApiCollection.Name)]
public sealed class MfaTests(ApiFactory api)
{
    [Fact]
    public async Task Right_password_asks_for_a_code_and_gives_no_tokens()
    {
        var owner = await api.RegisterPracticeAsync();

        var challenge = await (await api.LoginAsync(owner.Email, owner.Password)).ShouldBeAsync<MfaChallengeDto>(HttpStatusCode.OK);

        challenge.MfaRequired.ShouldBe(MfaStep.Verify);
        challenge.MfaToken.ShouldNotBeNullOrWhiteSpace();
        ContractJson.MembersOf<MfaChallengeDto>().ShouldNotContain("accessToken", "the strict read refused any other member: no token before MFA");
        ContractJson.MembersOf<MfaChallengeDto>().ShouldNotContain("refreshToken");
    }

    [Fact]
    public async Task Wrong_code_is_refused_and_the_right_code_gives_a_working_session()
    {
        var owner = await api.RegisterPracticeAsync();
        var mfaToken = await api.PasswordStepAsync(owner);

        await (await api.VerifyMfaAsync(mfaToken, AuthFlows.WrongCode(owner.TotpSecret)))
            .ShouldFailAsync(HttpStatusCode.Unauthorized, "invalid-mfa-code");
        var tokens = await (await api.VerifyMfaAsync(mfaToken, TestApi.TotpCode(owner.TotpSecret, owner))).ShouldBeAsync<AccessGrantDto>(HttpStatusCode.OK);

        tokens.RefreshToken.ShouldNotBeNullOrWhiteSpace();
        tokens.ExpiresIn.ShouldBeGreaterThan(0);
        await (await api.ListPatientsAsync(tokens.AccessToken)).ShouldBeAsync<PageDto<PatientDto>>(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_code_already_used_cannot_complete_another_sign_in()
    {
        var owner = await api.RegisterPracticeAsync();
        var code = TestApi.TotpCode(owner.TotpSecret, owner);
        await (await api.VerifyMfaAsync(await api.PasswordStepAsync(owner), code)).ShouldBeAsync<AccessGrantDto>(HttpStatusCode.OK);

        var replay = await api.VerifyMfaAsync(await api.PasswordStepAsync(owner), code);

        await replay.ShouldFailAsync(HttpStatusCode.Unauthorized, "invalid-mfa-code");
    }

    [Fact]
    public async Task Enrolling_again_once_mfa_is_on_is_a_conflict_and_keeps_the_authenticator()
    {
        var owner = await api.RegisterPracticeAsync();
        var mfaToken = await api.PasswordStepAsync(owner);

        await (await api.CreateClient().PostAsJsonAsync("/api/v1/auth/mfa/enroll", new { mfaToken }))
            .ShouldFailAsync(HttpStatusCode.Conflict, "mfa-already-enrolled");

        await (await api.VerifyMfaAsync(mfaToken, TestApi.TotpCode(owner.TotpSecret, owner))).ShouldBeAsync<AccessGrantDto>(HttpStatusCode.OK);
    }
}
