using System.Net;
using System.Net.Http.Json;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Auth;

/// <summary>
/// Single use means single use when the same code arrives twenty times at once (a retrying phone, a script): each is
/// consumed by one conditional UPDATE, so exactly one request wins.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class SingleUseTests(ApiFactory api)
{
    private const int Parallel = 20;

    [Fact]
    public async Task Twenty_parallel_acceptances_of_one_staff_invitation_let_exactly_one_in()
    {
        var owner = await api.RegisterPracticeAsync();
        var invited = await (await api.As(owner).PostAsJsonAsync("/api/v1/practice/invitations",
            new { email = TestApi.UniqueEmail("doctor"), name = "Raced Doctor", role = "doctor" })).ShouldBeAsync<StaffInvitationDto>(HttpStatusCode.Created);
        var code = invited.InvitationCode;

        var responses = await Task.WhenAll(Enumerable.Range(0, Parallel).Select(i =>
            api.CreateClient().PostAsJsonAsync("/api/v1/auth/invitations/accept", new { code, password = $"{TestApi.Password}-{i}" })));

        responses.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(1);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
            await refused.ShouldFailAsync(HttpStatusCode.UnprocessableEntity, "invalid-invitation");
    }

    [Fact]
    public async Task Twenty_parallel_activations_of_one_patient_code_issue_exactly_one_device_session()
    {
        var owner = await api.RegisterPracticeAsync();
        var patientId = (await api.AddPatientAsync(owner)).Id;
        var code = (await (await api.As(owner).PostAsJsonAsync($"/api/v1/patients/{patientId}/invite", new { })).ShouldBeAsync<PatientInvitationDto>(HttpStatusCode.OK)).Code;

        var responses = await Task.WhenAll(Enumerable.Range(0, Parallel).Select(i =>
            api.CreateClient().PostAsJsonAsync("/api/v1/auth/patient/activate", new { code, deviceId = $"raced-device-{i:D4}-abcdef" })));

        responses.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(1);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
            await refused.ShouldFailAsync(HttpStatusCode.UnprocessableEntity, "invalid-invitation");
        await using var db = await Sql.OpenAsync(api.OwnerConnectionString);
        (await db.ScalarAsync<long>("SELECT count(*) FROM refresh_tokens WHERE patient_id = @p", ("p", patientId))).ShouldBe(1);
    }

    [Fact]
    public async Task Twenty_parallel_sign_ins_with_one_code_give_exactly_one_session()
    {
        var owner = await api.RegisterPracticeAsync();
        // Twenty password steps first (each its own MFA token), so only the code's step is shared.
        var mfaTokens = new List<string>();
        for (var i = 0; i < Parallel; i++) mfaTokens.Add(await api.PasswordStepAsync(owner));
        var code = TestApi.TotpCode(owner.TotpSecret, owner);

        var responses = await Task.WhenAll(mfaTokens.Select(token => api.VerifyMfaAsync(token, code)));

        responses.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(1);
        responses.Where(r => r.StatusCode != HttpStatusCode.OK).ShouldAllBe(r => r.StatusCode == HttpStatusCode.Unauthorized || r.StatusCode == HttpStatusCode.Locked);
        await using var db = await Sql.OpenAsync(api.OwnerConnectionString);
        // Registration's sign-in made one family; the race may add exactly one more.
        (await db.ScalarAsync<long>("SELECT count(DISTINCT family_id) FROM refresh_tokens WHERE user_id = @u", ("u", owner.UserId))).ShouldBe(2);
    }

    [Fact]
    public async Task Twenty_parallel_sign_ins_with_one_mfa_token_give_exactly_one_session()
    {
        var owner = await api.RegisterPracticeAsync();
        var mfaToken = await api.PasswordStepAsync(owner);
        var code = TestApi.TotpCode(owner.TotpSecret, owner);

        var responses = await Task.WhenAll(Enumerable.Range(0, Parallel).Select(_ => api.VerifyMfaAsync(mfaToken, code)));

        responses.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(1);
    }
}
