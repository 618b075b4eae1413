using System.Net.Http.Json;
using System.Net;
using System.Text;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Scans;
using Shouldly;

namespace OrthoScan.Api.Tests.BadInput;

/// <summary>Query strings, route values, paths and methods the API does not know: a 4xx problem, never a 5xx.</summary>
[Collection(ApiCollection.Name)]
public sealed class BadQueryAndRouteTests(ApiFactory api)
{
    [Theory]
    [InlineData("nonsense")]
    [InlineData("ARCHIVED")]
    [InlineData("4")]
    public async Task An_unknown_status_filter_is_a_400_naming_status(string status)
    {
        var owner = await api.PracticeAsync();
        var problem = await (await api.As(owner).GetAsync($"/api/v1/patients?status={status}")).ShouldFailAsync(HttpStatusCode.BadRequest, "validation");
        problem.Errors.ShouldNotBeNull()["status"].ShouldNotBeEmpty();
    }

    [Theory]
    [InlineData("%%%")]
    [InlineData("bm90LWpzb24")] // "not-json"
    [InlineData("e30")] // "{}": JSON, but not a cursor
    [InlineData("WzEsMiwzXQ")] // "[1,2,3]"
    [InlineData("bnVsbA")] // "null"
    [InlineData("eyJMYXN0TmFtZSI6bnVsbCwiRmlyc3ROYW1lIjpudWxsLCJJZCI6bnVsbH0")] // {"LastName":null,"FirstName":null,"Id":null}
    [InlineData("____")]
    [InlineData("a")]
    public async Task An_invalid_cursor_is_a_400_invalid_cursor_problem(string cursor)
    {
        var owner = await api.PracticeAsync();
        await api.AddPatientAsync(owner);
        var response = await api.As(owner).GetAsync($"/api/v1/patients?cursor={cursor}");
        await response.ShouldFailAsync(HttpStatusCode.BadRequest, "invalid-cursor");
    }

    [Fact]
    public async Task A_long_random_cursor_is_a_400_invalid_cursor_problem()
    {
        var owner = await api.PracticeAsync();
        var garbage = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(600)).Replace('+', '-').Replace('/', '_').TrimEnd('=');
        await (await api.As(owner).GetAsync($"/api/v1/patients?cursor={garbage}")).ShouldFailAsync(HttpStatusCode.BadRequest, "invalid-cursor");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    public async Task A_limit_below_one_is_a_problem_naming_limit(string limit)
    {
        var owner = await api.PracticeAsync();
        var response = await api.As(owner).GetAsync($"/api/v1/patients?limit={limit}");
        ((int)response.StatusCode).ShouldBeInRange(400, 499);
        var problem = await response.ShouldFailAsync(response.StatusCode);
        problem.Errors.ShouldNotBeNull().ShouldContainKey("limit");
    }

    [Theory]
    [InlineData("ten")]
    [InlineData("1.5")]
    [InlineData("99999999999")]
    public async Task A_limit_that_is_not_a_whole_number_is_a_400_problem(string limit)
    {
        var owner = await api.PracticeAsync();
        await (await api.As(owner).GetAsync($"/api/v1/patients?limit={limit}")).ShouldFailAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_huge_limit_is_capped_not_refused()
    {
        var owner = await api.PracticeAsync();
        await (await api.As(owner).GetAsync("/api/v1/patients?limit=100000")).ShouldBeAsync<PageDto<PatientDto>>(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("GET", "/api/v1/patients/not-a-guid")]
    [InlineData("GET", "/api/v1/patients/12345")]
    [InlineData("PATCH", "/api/v1/patients/not-a-guid")]
    [InlineData("POST", "/api/v1/patients/not-a-guid/archive")]
    [InlineData("POST", "/api/v1/patients/not-a-guid/invite")]
    public async Task A_route_id_that_is_not_a_uuid_is_a_404_problem(string method, string path)
    {
        var owner = await api.PracticeAsync();
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method != "GET") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        var response = await api.As(owner).SendAsync(request);
        await response.ShouldFailAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task A_well_formed_id_that_does_not_exist_is_a_404_problem()
    {
        var owner = await api.PracticeAsync();
        await (await api.As(owner).GetAsync($"/api/v1/patients/{Guid.NewGuid()}")).ShouldFailAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Theory]
    [InlineData("/api/v1/patients/00000000-0000-0000-0000-000000000000/archive")]
    [InlineData("/api/v1/patients/00000000-0000-0000-0000-000000000000/invite")]
    [InlineData("/api/v1/admin/jobs/00000000-0000-0000-0000-000000000000/retry")]
    public async Task The_all_zero_id_names_nothing_and_is_a_400_naming_the_id(string path)
    {
        var owner = await api.PracticeAsync();
        var problem = await (await api.As(owner).PostAsJsonAsync(path, new { })).ShouldFailAsync(HttpStatusCode.BadRequest, "validation");
        problem.Errors.ShouldNotBeNull()["id"].ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Submitting_the_all_zero_scan_id_is_a_400_naming_the_id()
    {
        var app = await api.PatientAppAsync(await api.PracticeAsync(), "Zero");
        var response = await api.As(app.AccessToken).PostAsync($"/api/v1/scans/sessions/{Guid.Empty}/submit", null);
        var problem = await response.ShouldFailAsync(HttpStatusCode.BadRequest, "validation");
        problem.Errors.ShouldNotBeNull()["id"].ShouldNotBeEmpty();
    }

    [Theory]
    [InlineData("/api/v1/nothing-here")]
    [InlineData("/api/v1/patients/00000000-0000-0000-0000-000000000000/nothing-here")]
    [InlineData("/api/v2/patients")]
    [InlineData("/api/v1")]
    public async Task An_unknown_api_route_is_a_404_problem(string path)
    {
        var owner = await api.PracticeAsync();
        await (await api.As(owner).GetAsync(path)).ShouldFailAsync(HttpStatusCode.NotFound, "not-found");
        await (await api.As((string?)null).GetAsync(path)).ShouldFailAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Theory]
    [InlineData("DELETE", "/api/v1/patients", new[] { "GET", "POST" })]
    [InlineData("PUT", "/api/v1/patients", new[] { "GET", "POST" })]
    [InlineData("DELETE", "/api/v1/patients/0194b2a0-0000-7000-8000-000000000000", new[] { "GET", "PATCH" })]
    [InlineData("GET", "/api/v1/auth/login", new[] { "POST" })]
    public async Task A_method_the_route_does_not_have_is_a_405_problem_with_allow(string method, string path, string[] allowed)
    {
        var owner = await api.PracticeAsync();
        var response = await api.As(owner).SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        await response.ShouldFailAsync(HttpStatusCode.MethodNotAllowed, "method-not-allowed");
        response.Content.Headers.Allow.Order().ShouldBe(allowed);
    }

    [Fact]
    public async Task A_browser_opening_an_unknown_api_url_gets_a_problem()
    {
        var owner = await api.PracticeAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/nothing-here");
        request.Headers.TryAddWithoutValidation("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        var response = await api.As(owner).SendAsync(request);
        await response.ShouldFailAsync(HttpStatusCode.NotFound, "not-found");
    }
}
