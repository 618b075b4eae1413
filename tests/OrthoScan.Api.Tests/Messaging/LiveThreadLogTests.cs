using System.Net.Http.Json;
using System.Diagnostics.CodeAnalysis;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Scans;
using Shouldly;

namespace OrthoScan.Api.Tests.Messaging;

/// <summary>
/// The live hub's token travels in the query string, and a URL is what request logs are made of: on a host logging every
/// request ASP.NET starts (far more than production logs), the token still never reaches the log.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class LiveThreadLogTests : IAsyncLifetime
{
    private readonly string _log = Path.Combine(Path.GetTempPath(), "orthoscan-live-log-" + Guid.NewGuid().ToString("N") + ".json");
    private readonly ApiFactory _api = new();

    public LiveThreadLogTests()
    {
        _api.Settings["Serilog:MinimumLevel:Default"] = "Information";
        _api.Settings["Serilog:MinimumLevel:Override:Microsoft.AspNetCore"] = "Information";
        _api.SectionSettings["Serilog:WriteTo:0:Name"] = "File";
        _api.SectionSettings["Serilog:WriteTo:0:Args:path"] = _log;
    }

    public Task InitializeAsync() => _api.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        File.Delete(_log);
    }

    [Fact]
    public async Task The_access_token_in_the_hubs_query_string_never_reaches_the_log()
    {
        var owner = await _api.RegisterPracticeAsync("Quiet Log Clinic");
        var patient = await _api.PatientAppAsync(owner, "Logged");
        await using (var dashboard = await LiveThreadClient.ConnectAsync(_api, owner.AccessToken))
        {
            await _api.WriteAsync(patient.AccessToken, null, "Hello");
            await dashboard.NextAsync();
        }

        string log;
        await using (var file = new FileStream(_log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            log = await new StreamReader(file).ReadToEndAsync();
        log.ShouldContain("/api/v1/hubs/messages", customMessage: "the hub's requests are logged, with their query string");
        log.ShouldContain("access_token=***");
        log.ShouldNotContain(owner.AccessToken);
        log.ShouldNotContain(owner.AccessToken.Split('.')[2], customMessage: "not even the signature");
    }

    [Fact]
    public async Task The_invitation_code_in_the_patient_apps_link_never_reaches_the_log()
    {
        var owner = await _api.RegisterPracticeAsync("Quiet Link Clinic");
        var patient = await _api.AddPatientAsync(owner, "Link", "Opened");
        var invitation = await (await _api.As(owner).PostAsJsonAsync($"/api/v1/patients/{patient.Id}/invite", new { }))
            .ShouldBeAsync<Contract.PatientInvitationDto>(System.Net.HttpStatusCode.OK);
        // The patient taps the invitation's link: the app's page is asked for with the code in its query string.
        await _api.CreateClient().GetAsync($"/app/?code={invitation.Code}&from=sms");

        string log;
        await using (var file = new FileStream(_log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            log = await new StreamReader(file).ReadToEndAsync();
        log.ShouldContain("code=***&from=sms", customMessage: "the link's request is logged, its code hidden");
        log.ShouldContain("responded 200", customMessage: "our own request summary lines reach the host's log too");
        log.ShouldNotContain(invitation.Code);
    }
}
