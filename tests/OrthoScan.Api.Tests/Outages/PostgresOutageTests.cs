using System.Diagnostics.CodeAnalysis;
using System.Net;
using Npgsql;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Outages;

/// <summary>
/// The API reaches the real PostgreSQL through a relay the test cuts, as if the server went away: requests answer 503
/// with Retry-After, never 500; readiness names the database; and the API recovers by itself once it is reachable.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync.")]
public sealed class PostgresOutageTests : IAsyncLifetime
{
    private readonly ApiFactory _api = new();
    private readonly LoopbackRelay _relay;

    public PostgresOutageTests()
    {
        var app = new NpgsqlConnectionStringBuilder(_api.AppConnectionString);
        _relay = new LoopbackRelay(app.Port);
        app.Host = "127.0.0.1";
        app.Port = _relay.Port;
        _api.Settings["ConnectionStrings:App"] = app.ConnectionString;
    }

    public async Task InitializeAsync()
    {
        _relay.Start();
        await _api.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        _relay.Start();
        await _api.DisposeAsync();
        await _relay.DisposeAsync();
    }

    [Fact]
    public async Task While_postgresql_is_unreachable_requests_answer_503_and_recover_by_themselves()
    {
        var owner = await _api.RegisterPracticeAsync();
        await (await _api.As(owner).GetAsync("/api/v1/patients")).ShouldBeAsync<PageDto<PatientDto>>(HttpStatusCode.OK);

        await _relay.CutAsync();

        await (await _api.As(owner).GetAsync("/api/v1/patients")).ShouldBeUnavailableAsync();
        await (await _api.As(owner).PostAsync("/api/v1/patients", System.Net.Http.Json.JsonContent.Create(new
        {
            firstName = "Down", lastName = "Time", dateOfBirth = "1990-04-12", email = "down@example.com", totalStages = 20, currentStage = 1, preferredLanguage = "en", timezone = "UTC",
        }))).ShouldBeUnavailableAsync();
        await _api.ReadinessShouldReportDownAsync("postgresql");

        _relay.Start();

        await OutageAssertions.EventuallyAsync(() => _api.As(owner).GetAsync("/api/v1/patients"), HttpStatusCode.OK, TimeSpan.FromSeconds(10));
        (await _api.CreateClient().GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var list = await (await _api.As(owner).GetAsync("/api/v1/patients")).ShouldBeAsync<PageDto<PatientDto>>(HttpStatusCode.OK);
        list.Items.ShouldBeEmpty("the create sent during the outage must not have landed");
    }
}
