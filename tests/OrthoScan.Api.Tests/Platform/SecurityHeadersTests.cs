using System.Net;
using System.Net.Http.Json;
using System.Text;
using OrthoScan.Api.Tests.BadInput;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Platform;

/// <summary>The headers hold on every API answer, the errors included: those are written by the exception handler.</summary>
[Collection(ApiCollection.Name)]
public sealed class SecurityHeadersTests(ApiFactory api)
{
    public enum Answer { List, Created, MissingPatient, MalformedBody, RuleBroken, TooLarge, Unauthenticated, UnknownRoute, WrongMethod }

    [Theory]
    [InlineData(Answer.List, HttpStatusCode.OK)]
    [InlineData(Answer.Created, HttpStatusCode.Created)]
    [InlineData(Answer.MissingPatient, HttpStatusCode.NotFound)]
    [InlineData(Answer.MalformedBody, HttpStatusCode.BadRequest)]
    [InlineData(Answer.RuleBroken, HttpStatusCode.UnprocessableEntity)]
    [InlineData(Answer.TooLarge, HttpStatusCode.RequestEntityTooLarge)]
    [InlineData(Answer.Unauthenticated, HttpStatusCode.Unauthorized)]
    [InlineData(Answer.UnknownRoute, HttpStatusCode.NotFound)]
    [InlineData(Answer.WrongMethod, HttpStatusCode.MethodNotAllowed)]
    public async Task Every_api_answer_carries_the_security_headers_and_a_request_id(Answer answer, HttpStatusCode status)
    {
        var owner = await api.PracticeAsync();
        var client = api.As(owner);
        var response = answer switch
        {
            Answer.List => await client.GetAsync("/api/v1/patients"),
            Answer.Created => await client.PostAsJsonAsync("/api/v1/patients",
                new { firstName = "Ada", lastName = "Headers", dateOfBirth = "1990-04-12", email = "ada@example.com" }),
            Answer.MissingPatient => await client.GetAsync($"/api/v1/patients/{Guid.NewGuid()}"),
            Answer.MalformedBody => await client.PostAsync("/api/v1/patients", new StringContent("{", Encoding.UTF8, "application/json")),
            Answer.RuleBroken => await client.GetAsync("/api/v1/patients?limit=0"),
            Answer.TooLarge => await client.PostAsync("/api/v1/patients", new StringContent(new string(' ', 2 * 1024 * 1024), Encoding.UTF8, "application/json")),
            Answer.Unauthenticated => await api.CreateClient().GetAsync("/api/v1/patients"),
            Answer.UnknownRoute => await client.GetAsync("/api/v1/nothing-here"),
            Answer.WrongMethod => await client.DeleteAsync("/api/v1/patients"),
            _ => throw new ArgumentOutOfRangeException(nameof(answer)),
        };
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, body);

        Header(response, "X-Content-Type-Options").ShouldBe("nosniff");
        Header(response, "X-Frame-Options").ShouldBe("DENY");
        Header(response, "Referrer-Policy").ShouldBe("no-referrer");
        response.Headers.CacheControl.ShouldNotBeNull();
        response.Headers.CacheControl.NoStore.ShouldBeTrue();
        var csp = Header(response, "Content-Security-Policy");
        csp.ShouldNotBeNull();
        csp.ShouldContain("default-src 'none'");
        csp.ShouldContain("frame-ancestors 'none'");

        var requestId = Header(response, "X-Request-Id");
        requestId.ShouldNotBeNullOrWhiteSpace();
        if (!response.IsSuccessStatusCode)
        {
            var problem = await response.ShouldFailAsync(status);
            problem.TraceId.ShouldBe(requestId, "a caller quoting either one finds the same request in the logs");
        }
    }

    [Fact]
    public async Task Each_request_gets_its_own_request_id()
    {
        var client = api.CreateClient();
        var first = Header(await client.GetAsync("/health/live"), "X-Request-Id");
        var second = Header(await client.GetAsync("/health/live"), "X-Request-Id");
        first.ShouldNotBeNullOrWhiteSpace();
        second.ShouldNotBe(first);
    }

    [Fact]
    public async Task Pages_outside_the_api_also_carry_a_content_security_policy()
    {
        var response = await api.CreateClient().GetAsync("/docs/");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        Header(response, "X-Content-Type-Options").ShouldBe("nosniff");
        Header(response, "X-Frame-Options").ShouldBe("DENY");
        var csp = Header(response, "Content-Security-Policy");
        csp.ShouldNotBeNull();
        csp.ShouldContain("frame-ancestors 'none'");
    }

    [Fact]
    public async Task Answers_limit_browser_features_name_no_server_and_insist_on_https_once_reached_over_it()
    {
        var plain = await api.CreateClient().GetAsync("/health/live");
        Header(plain, "Permissions-Policy").ShouldBe("camera=(), microphone=(), geolocation=()");
        Header(plain, "Cross-Origin-Opener-Policy").ShouldBe("same-origin");
        Header(plain, "Server").ShouldBeNull();
        Header(plain, "Strict-Transport-Security").ShouldBeNull("HSTS over plain HTTP would be ignored and can pin a wrong host");

        var overHttps = api.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        Header(await overHttps.GetAsync("/health/live"), "Strict-Transport-Security").ShouldBe("max-age=31536000; includeSubDomains");
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;
}
