using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrthoScan.Api.Infrastructure.Http;
using OrthoScan.Api.Infrastructure.Persistence;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.PlatformUsers;

/// <summary>
/// A platform user (finance, platform admin) belongs to no practice and never reaches a practice's or a patient's data:
/// every route of the real host that needs a token refuses them, and row-level security shows them no tenant row.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed partial class PlatformUserIsolationTests(ApiFactory api)
{
    /// <summary>
    /// Routes a platform user may call: ending their own sign-in, and the platform read paths (aggregates only), whose
    /// own tests pin who may read them (<see cref="PlatformConsoleTests"/>, <c>FinanceReviewTests</c>), and finance's decision on a
    /// discount proposal, which touches no practice's or patient's data but the proposal; and the platform admin's
    /// de-identified dataset exports and model card, which hold no practice's or patient's identity (their own tests,
    /// <c>ExportAccessTests</c> and <c>AiAcceptanceReportTests</c>, pin who reaches them).
    /// </summary>
    private static readonly string[] OpenToPlatformUsers =
        ["Logout", "ListPractices", "ListPlatformAuditEntries", "VerifyPlatformAuditChain", "ListTaggingRates", "DecideDiscount", "ForecastDiscounts", "GetBillingOverview",
         "ListTagExports", "StartTagExport", "GetTagExport", "GetAiModel"];

    private sealed record Call(string Name, string Method, string Path, string? Body);

    [Fact]
    public async Task A_platform_user_gets_403_or_404_on_every_practice_and_patient_route_and_changes_nothing()
    {
        var owner = await api.RegisterPracticeAsync("Platform-Proof Practice");
        var patient = await api.AddPatientAsync(owner, "Petra", "Private");
        var finance = await api.CreatePlatformUserAsync("finance");
        var admin = await api.CreatePlatformUserAsync("platform_admin");

        var calls = RoutesNeedingAToken(patient.Id);
        calls.Count.ShouldBeGreaterThan(20, "the host's routes are enumerated");
        var failures = new List<string>();
        foreach (var call in calls)
        {
            foreach (var (who, token) in new[] { ("finance", finance.AccessToken), ("platform_admin", admin.AccessToken) })
            {
                using var request = new HttpRequestMessage(new HttpMethod(call.Method), call.Path);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
                if (call.Body is not null) request.Content = new StringContent(call.Body, Encoding.UTF8, "application/json");
                using var response = await api.CreateClient().SendAsync(request);
                if (response.StatusCode is not (HttpStatusCode.Forbidden or HttpStatusCode.NotFound))
                    failures.Add($"{call.Name} {call.Method} {call.Path} as {who}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }

        failures.ShouldBeEmpty(string.Join("\n", failures));
        var afterwards = await (await api.As(owner).GetAsync($"/api/v1/patients/{patient.Id}")).ShouldBeAsync<PatientDto>(HttpStatusCode.OK);
        afterwards.ShouldBe(patient with { UpdatedAt = afterwards.UpdatedAt });
        afterwards.UpdatedAt.ShouldBe(patient.UpdatedAt);
    }

    [Fact]
    public async Task A_platform_user_sees_no_row_of_any_tenant_table()
    {
        var owner = await api.RegisterPracticeAsync();
        await api.AddPatientAsync(owner);
        var finance = await api.CreatePlatformUserAsync("finance");
        Guid financeId;
        await using (var scope = api.Services.CreateAsyncScope())
            financeId = await scope.ServiceProvider.GetRequiredService<AppDbContext>().UserAccounts.Where(u => u.Email == finance.Email).Select(u => u.Id).SingleAsync();

        // The settings the API applies for a platform user's request: their account, and no practice.
        await using var asPlatformUser = await Sql.OpenAsync(api.AppConnectionString);
        await asPlatformUser.ExecuteAsync("SELECT set_config('app.user_id', @u, false), set_config('app.practice_id', '', false)", ("u", financeId.ToString()));
        await using var asOwner = await Sql.OpenAsync(api.AppConnectionString, owner.PracticeId);
        var tables = await asOwner.ColumnAsync("""
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relrowsecurity AND c.relforcerowsecurity
            """);
        tables.ShouldContain("patients");
        tables.ShouldContain("practice_members");
        tables.ShouldContain("audit_log");
        foreach (var table in tables)
        {
            (await asPlatformUser.ScalarAsync<long>($"SELECT count(*) FROM {table}")).ShouldBe(0, $"{table} as a platform user");
        }
        (await asOwner.ScalarAsync<long>("SELECT count(*) FROM patients")).ShouldBeGreaterThan(0, "the rows exist: the platform user just cannot see them");
    }

    /// <summary>
    /// Every endpoint of the host under /api/v1 that is neither anonymous nor open to platform users, with each route
    /// value set to a real patient's id and, for a body, its documented request example (so that validation passes and
    /// the role check is what answers).
    /// </summary>
    private List<Call> RoutesNeedingAToken(Guid realId)
    {
        var endpoints = api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => ("/" + e.RoutePattern.RawText!.TrimStart('/')).StartsWith(Routes.V1 + "/", StringComparison.Ordinal))
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .Where(e => !OpenToPlatformUsers.Contains(e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName))
            .ToList();
        return [.. from endpoint in endpoints
            from method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]
            let example = endpoint.Metadata.OfType<EndpointExample>().FirstOrDefault(x => x.Status is null)
            select new Call(
                endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? endpoint.DisplayName ?? "?",
                method,
                RouteValue().Replace("/" + endpoint.RoutePattern.RawText!.TrimStart('/'), realId.ToString()),
                example is null ? (method is "POST" or "PUT" or "PATCH" ? "{}" : null) : JsonSerializer.Serialize(example.Value, example.Value.GetType(), TestApi.Json))];
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteValue();
}
