using System.Net;
using System.Net.Http.Json;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Auth;

/// <summary>The patient app's sign-in: a one-time code from the practice, then a session bound to the device.</summary>
[Collection(ApiCollection.Name)]
public sealed class PatientActivationTests(ApiFactory api)
{
    private const string DeviceId = "device-abcdef-123456";

    [Fact]
    public async Task Activation_code_gives_the_patient_a_session_once()
    {
        var (patientId, code) = await InvitePatientAsync();

        var session = await (await Activate(code)).ShouldBeAsync<PatientActivationDto>(HttpStatusCode.OK);
        session.PatientId.ShouldBe(patientId);
        session.AccessToken.ShouldNotBeNullOrWhiteSpace();
        session.RefreshToken.ShouldNotBeNullOrWhiteSpace();
        session.ExpiresIn.ShouldBeGreaterThan(0);

        await (await Activate(code, "device-someone-else-999")).ShouldFailAsync(HttpStatusCode.UnprocessableEntity, "invalid-invitation");
    }

    [Fact]
    public async Task Patient_refresh_token_works_only_from_its_own_device()
    {
        var session = await ActivatedPatientAsync();
        var refreshToken = session.RefreshToken;

        await (await api.RefreshAsync(refreshToken, "device-stolen-copy-987654")).ShouldFailAsync(HttpStatusCode.Unauthorized, "invalid-refresh-token");
        await (await api.RefreshAsync(refreshToken, deviceId: null)).ShouldFailAsync(HttpStatusCode.Unauthorized, "invalid-refresh-token");

        var rotated = await (await api.RefreshAsync(refreshToken, DeviceId)).ShouldBeAsync<AccessGrantDto>(HttpStatusCode.OK);
        rotated.RefreshToken.ShouldNotBe(refreshToken);
    }

    [Fact]
    public async Task Patient_token_may_not_list_the_practice_patients()
    {
        var session = await ActivatedPatientAsync();

        await (await api.ListPatientsAsync(session.AccessToken)).ShouldFailAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    private async Task<(Guid PatientId, string Code)> InvitePatientAsync()
    {
        var owner = await api.RegisterPracticeAsync();
        var patientId = (await api.AddPatientAsync(owner)).Id;
        var invited = await (await api.As(owner).PostAsJsonAsync($"/api/v1/patients/{patientId}/invite", new { })).ShouldBeAsync<PatientInvitationDto>(HttpStatusCode.OK);
        invited.PatientId.ShouldBe(patientId);
        return (patientId, invited.Code);
    }

    private async Task<PatientActivationDto> ActivatedPatientAsync()
    {
        var (_, code) = await InvitePatientAsync();
        return await (await Activate(code)).ShouldBeAsync<PatientActivationDto>(HttpStatusCode.OK);
    }

    private Task<HttpResponseMessage> Activate(string code, string deviceId = DeviceId) =>
        api.CreateClient().PostAsJsonAsync("/api/v1/auth/patient/activate", new { code, deviceId });
}
