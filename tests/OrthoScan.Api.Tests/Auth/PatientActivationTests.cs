using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
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

        var session = await (await Activate(code)).ShouldBeAsync(HttpStatusCode.OK);
        session.Text("patientId").ShouldBe(patientId);
        session.Text("accessToken").ShouldNotBeNullOrWhiteSpace();
        session.Text("refreshToken").ShouldNotBeNullOrWhiteSpace();
        session["expiresIn"]!.GetValue<int>().ShouldBeGreaterThan(0);

        await (await Activate(code, "device-someone-else-999")).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-invitation");
    }

    [Fact]
    public async Task Patient_refresh_token_works_only_from_its_own_device()
    {
        var session = await ActivatedPatientAsync();
        var refreshToken = session.Text("refreshToken");

        await (await api.RefreshAsync(refreshToken, "device-stolen-copy-987654")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid-refresh-token");
        await (await api.RefreshAsync(refreshToken, deviceId: null)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid-refresh-token");

        var rotated = await (await api.RefreshAsync(refreshToken, DeviceId)).ShouldBeAsync(HttpStatusCode.OK);
        rotated.Text("refreshToken").ShouldNotBe(refreshToken);
    }

    [Fact]
    public async Task Patient_token_may_not_list_the_practice_patients()
    {
        var session = await ActivatedPatientAsync();

        await (await api.ListPatientsAsync(session.Text("accessToken"))).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    private async Task<(string PatientId, string Code)> InvitePatientAsync()
    {
        var owner = await api.RegisterPracticeAsync();
        var patientId = (await api.CreatePatientAsync(owner)).Text("id");
        var invited = await (await api.As(owner).PostAsync($"/api/v1/patients/{patientId}/invite", null)).ShouldBeAsync(HttpStatusCode.OK);
        return (patientId, invited.Text("code"));
    }

    private async Task<JsonNode> ActivatedPatientAsync()
    {
        var (_, code) = await InvitePatientAsync();
        return await (await Activate(code)).ShouldBeAsync(HttpStatusCode.OK);
    }

    private Task<HttpResponseMessage> Activate(string code, string deviceId = DeviceId) =>
        api.CreateClient().PostAsJsonAsync("/api/v1/auth/patient/activate", new { code, deviceId });
}
