using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Platform;

[Collection(ApiCollection.Name)]
public sealed partial class OpenApiAndDocsTests(ApiFactory api)
{
    [Fact]
    public async Task The_openapi_document_describes_the_api()
    {
        var document = await api.OpenApiDocumentAsync();

        document["openapi"]!.GetValue<string>().ShouldStartWith("3.");
        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        paths.ShouldContain("/api/v1/patients");
        paths.ShouldContain("/api/v1/patients/{id}");
        paths.ShouldContain("/api/v1/auth/login");
        paths.ShouldContain("/api/v1/auth/register");
        document["paths"]!["/api/v1/patients"]!["post"].ShouldNotBeNull();
        document["paths"]!["/api/v1/patients"]!["get"].ShouldNotBeNull();
    }

    [Fact]
    public async Task The_docs_page_is_scalar_html_whose_scripts_are_served_here()
    {
        var client = api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = true });
        var response = await client.GetAsync("/docs");
        var html = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, html);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("text/html");
        html.ShouldContain("OrthoScan API");

        // The page's own CSP allows scripts from 'self' only, so each must come from this host.
        var page = response.RequestMessage!.RequestUri!;
        var scripts = ScriptSources().Matches(html).Select(m => new Uri(page, m.Groups["src"].Value)).ToList();
        scripts.ShouldNotBeEmpty();
        foreach (var script in scripts)
        {
            script.Host.ShouldBe(page.Host, script.ToString());
            var asset = await client.GetAsync(script);
            asset.StatusCode.ShouldBe(HttpStatusCode.OK, script.ToString());
            asset.Content.Headers.ContentType?.MediaType.ShouldBe("text/javascript", script.ToString());
        }
    }

    [GeneratedRegex("""<script[^>]*\ssrc="(?<src>[^"]+)"[^>]*>""")]
    private static partial Regex ScriptSources();
}
