using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrthoScan.Api.Infrastructure.Http;
using OrthoScan.Api.Infrastructure.Persistence;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Platform;

/// <summary>
/// The app role's connections carry lock_timeout and statement_timeout: a request stuck behind a lock gives up with a
/// 503 problem instead of hanging (and holding its connection) or failing with a 500.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class DatabaseTimeoutTests(ApiFactory api)
{
    [Fact]
    public async Task The_app_roles_connections_run_with_a_5_s_lock_timeout_and_a_30_s_statement_timeout()
    {
        using var scope = api.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        (await db.Database.SqlQueryRaw<string>("SELECT current_setting('lock_timeout') AS \"Value\"").SingleAsync()).ShouldBe("5s");
        (await db.Database.SqlQueryRaw<string>("SELECT current_setting('statement_timeout') AS \"Value\"").SingleAsync()).ShouldBe("30s");
    }

    [Theory]
    [InlineData("LockTimeout", "StatementTimeout")]
    [InlineData("StatementTimeout", "LockTimeout")]
    public async Task A_change_waiting_on_a_locked_row_gives_up_with_a_503_problem_and_changes_nothing(string shortTimeout, string longTimeout)
    {
        using var host = Host((shortTimeout, "00:00:00.500"), (longTimeout, "00:01:00"));
        var owner = await api.RegisterPracticeAsync();
        var id = (await api.AddPatientAsync(owner, lastName: "Locked")).Id;

        await using var locker = await Sql.OpenAsync(api.AppConnectionString, owner.PracticeId);
        await using (var transaction = await locker.BeginTransactionAsync())
        {
            await locker.ExecuteAsync("SELECT 1 FROM patients WHERE id = @id FOR UPDATE", ("id", id));

            var client = host.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", owner.AccessToken);
            // Without the timeouts this request waits for the lock as long as it is held: the guard turns that into a failure.
            var response = await client.PatchAsJsonAsync($"/api/v1/patients/{id}", new { lastName = "Changed" }).WaitAsync(TimeSpan.FromSeconds(20));
            await response.ShouldFailAsync(HttpStatusCode.ServiceUnavailable, "database-busy");
            response.Headers.RetryAfter.ShouldNotBeNull();
            await transaction.RollbackAsync();
        }

        var patient = await (await api.As(owner).GetAsync($"/api/v1/patients/{id}")).ShouldBeAsync<PatientDto>(HttpStatusCode.OK);
        patient.LastName.ShouldBe("Locked");
    }

    /// <summary>Another host (API only) on the same database, with its own database timeouts.</summary>
    private WebApplicationFactory<Program> Host(params (string Key, string Value)[] timeouts) =>
        api.WithWebHostBuilder(b =>
        {
            b.UseSetting(HostRoles.Key, "api");
            foreach (var (key, value) in timeouts) b.UseSetting($"{DatabaseOptions.Section}:{key}", value);
        });
}
