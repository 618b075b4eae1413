using System.Net;
using System.Net.Http.Json;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Auth;

/// <summary>The ten recovery codes from MFA enrolment: each gets a user in once when their phone is gone, and only them.</summary>
[Collection(ApiCollection.Name)]
public sealed class MfaRecoveryCodeTests(ApiFactory api)
{
    /// <summary>A new practice's owner, enrolled and verified, with the recovery codes enrolment showed.</summary>
    private async Task<(Session Owner, IReadOnlyList<string> Codes)> OwnerWithCodesAsync()
    {
        var email = TestApi.UniqueEmail();
        var client = api.CreateClient();
        var registered = await (await client.PostAsJsonAsync("/api/v1/auth/register",
            new { practiceName = "Recovery Practice", ownerName = "Dr. Lost Phone", email, password = TestApi.Password })).ShouldBeAsync<RegistrationDto>(HttpStatusCode.Created);
        var enrolled = await (await client.PostAsJsonAsync("/api/v1/auth/mfa/enroll", new { mfaToken = registered.MfaToken })).ShouldBeAsync<MfaEnrollmentDto>(HttpStatusCode.OK);
        var session = new Session(registered.UserId, registered.PracticeId, email, TestApi.Password, enrolled.Secret, "", "");
        await (await api.VerifyMfaAsync(registered.MfaToken, TestApi.TotpCode(enrolled.Secret, session))).ShouldBeAsync<AccessGrantDto>(HttpStatusCode.OK);
        return (session, enrolled.RecoveryCodes);
    }

    [Fact]
    public async Task Enrolment_shows_ten_distinct_codes_and_each_signs_in_once_instead_of_an_authenticator_code()
    {
        var (owner, codes) = await OwnerWithCodesAsync();
        codes.Count.ShouldBe(10);
        codes.Distinct().Count().ShouldBe(10);
        codes.ShouldAllBe(c => System.Text.RegularExpressions.Regex.IsMatch(c, "^[A-Z0-9]{5}-[A-Z0-9]{5}$"));

        var grant = await (await api.VerifyMfaAsync(await api.PasswordStepAsync(owner), codes[0])).ShouldBeAsync<AccessGrantDto>(HttpStatusCode.OK);
        (await api.ListPatientsAsync(grant.AccessToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await api.VerifyMfaAsync(await api.PasswordStepAsync(owner), codes[0])).ShouldFailAsync(HttpStatusCode.Unauthorized, "invalid-mfa-code");
        // Typed as people type them: lower case, without the dash.
        await (await api.VerifyMfaAsync(await api.PasswordStepAsync(owner), codes[1].Replace("-", "").ToLowerInvariant())).ShouldBeAsync<AccessGrantDto>(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Parallel_sign_ins_with_one_recovery_code_get_in_once_and_another_accounts_code_never()
    {
        var (owner, codes) = await OwnerWithCodesAsync();
        var (other, otherCodes) = await OwnerWithCodesAsync();
        await (await api.VerifyMfaAsync(await api.PasswordStepAsync(owner), otherCodes[0])).ShouldFailAsync(HttpStatusCode.Unauthorized, "invalid-mfa-code");
        await (await api.VerifyMfaAsync(await api.PasswordStepAsync(other), otherCodes[0])).ShouldBeAsync<AccessGrantDto>(HttpStatusCode.OK);

        var tickets = new List<string>();
        for (var i = 0; i < 4; i++) tickets.Add(await api.PasswordStepAsync(owner));
        var answers = await Task.WhenAll(tickets.Select(t => api.VerifyMfaAsync(t, codes[2])));
        answers.Count(a => a.StatusCode == HttpStatusCode.OK).ShouldBe(1);
        answers.ShouldAllBe(a => (int)a.StatusCode < 500);
    }

    [Fact]
    public async Task A_recovery_code_does_not_stand_in_for_the_first_code_that_turns_mfa_on()
    {
        var client = api.CreateClient();
        var registered = await (await client.PostAsJsonAsync("/api/v1/auth/register",
            new { practiceName = "Unverified Practice", ownerName = "Dr. New", email = TestApi.UniqueEmail(), password = TestApi.Password })).ShouldBeAsync<RegistrationDto>(HttpStatusCode.Created);
        var enrolled = await (await client.PostAsJsonAsync("/api/v1/auth/mfa/enroll", new { mfaToken = registered.MfaToken })).ShouldBeAsync<MfaEnrollmentDto>(HttpStatusCode.OK);
        await (await api.VerifyMfaAsync(registered.MfaToken, enrolled.RecoveryCodes[0])).ShouldFailAsync(HttpStatusCode.Unauthorized, "invalid-mfa-code");
        await (await api.VerifyMfaAsync(registered.MfaToken, "not a code")).ShouldFailAsync(HttpStatusCode.BadRequest, "validation");
    }
}
