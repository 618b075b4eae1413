using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using OrthoScan.Ml.Models;
using OrthoScan.Ml.Suggestions;
using WireMock.RequestBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMockResponse = WireMock.ResponseBuilders.Response;

namespace OrthoScan.Ml.Tests.Suggestions;

/// <summary>GPT-4o on Azure OpenAI as WireMock on loopback: what we send, and what we make of each kind of answer.</summary>
public sealed class OpenAiSuggesterTests : IDisposable
{
    private const string Deployment = "gpt-4o";
    private const string ApiKey = "azure-openai-test-key";
    private const string CompletionsPath = "/openai/deployments/" + Deployment + "/chat/completions";

    private readonly WireMockServer _server = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{FreePort()}"] });
    private readonly ListLogger<OpenAiSuggester> _logger = new();
    private readonly MlTaxonomy _taxonomy = SyntheticDataset.Taxonomy;

    private static readonly JsonObject ValidAnswer = new()
    {
        ["overall_tracking"] = new JsonObject { ["value"] = "2", ["confidence"] = 0.7 },
        ["aligner_fit"] = new JsonObject { ["value"] = "not_applicable", ["confidence"] = 0.9 },
        ["oral_hygiene"] = new JsonObject { ["value"] = "1", ["confidence"] = 0.55 },
    };

    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
    }

    [Fact]
    public async Task A_valid_answer_gives_the_values_and_the_request_carries_only_the_schema_the_images_and_the_context()
    {
        Answer(ValidAnswer.ToJsonString());
        var request = Session();

        var result = await Suggester().SuggestAsync(request, CancellationToken.None);

        result.ShouldNotBeNull();
        result.ModelName.ShouldBe(Deployment);
        result.ModelVersion.ShouldBe("gpt-4o-2024-08-06");
        result.Values.ShouldBe([new SuggestedValue("overall_tracking", "2", 0.7f), new SuggestedValue("aligner_fit", "not_applicable", 0.9f), new SuggestedValue("oral_hygiene", "1", 0.55f)]);

        var sent = _server.LogEntries.ShouldHaveSingleItem().RequestMessage;
        sent.Headers!["api-key"].ShouldBe([ApiKey]);
        var body = JsonNode.Parse(sent.Body!)!.AsObject();
        body.Select(p => p.Key).Order().ToArray().ShouldBe(["messages", "model", "response_format", "temperature"]);
        var format = body["response_format"]!;
        format["type"]!.GetValue<string>().ShouldBe("json_schema");
        format["json_schema"]!["strict"]!.GetValue<bool>().ShouldBeTrue();
        JsonNode.DeepEquals(format["json_schema"]!["schema"], OpenAiSuggester.Schema(_taxonomy)).ShouldBeTrue();
        format["json_schema"]!["schema"]!["properties"]!["aligner_fit"]!["properties"]!["value"]!["enum"]!.AsArray()
            .Select(v => v!.GetValue<string>()).ShouldBe(["1", "2", "3", "not_applicable"]);

        var messages = body["messages"]!.AsArray();
        messages.Select(m => m!["role"]!.GetValue<string>()).ShouldBe(["system", "user"]);
        var parts = messages[1]!["content"]!.AsArray();
        var images = parts.Where(p => p!["type"]!.GetValue<string>() == "image_url").Select(p => p!["image_url"]!["url"]!.GetValue<string>()).ToArray();
        images.ShouldBe(request.Images.Select(i => "data:image/jpeg;base64," + Convert.ToBase64String(i.Bytes.Span)).ToArray());
        var texts = parts.Where(p => p!["type"]!.GetValue<string>() == "text").Select(p => p!["text"]!.GetValue<string>()).ToArray();
        texts.ShouldBe(["Session context: {\"stage_fraction\":0.5,\"days_since_last_scan\":14,\"previous_scores\":{\"overall_tracking\":\"1\"}}",
            "View: buccal_l", "View: occlusal_u"]);
    }

    [Theory]
    [InlineData("""{"overall_tracking":{"value":"4","confidence":0.7},"aligner_fit":{"value":"1","confidence":0.9},"oral_hygiene":{"value":"1","confidence":0.5}}""", "not a value of the taxonomy")]
    [InlineData("""{"overall_tracking":{"value":"2","confidence":0.7},"aligner_fit":{"value":"1","confidence":0.9},"oral_hygiene":{"value":"1","confidence":0.5},"diagnosis":{"value":"caries","confidence":1}}""", "scores the taxonomy does not")]
    [InlineData("""{"overall_tracking":{"value":"2","confidence":7},"aligner_fit":{"value":"1","confidence":0.9},"oral_hygiene":{"value":"1","confidence":0.5}}""", "outside [0, 1]")]
    [InlineData("""{"overall_tracking":{"value":"2","confidence":0.7},"aligner_fit":{"value":"1","confidence":0.9}}""", "missing or malformed")]
    [InlineData("""{"overall_tracking": {"value": "2", """, "not valid JSON")]
    [InlineData("""["2","1","1"]""", "not a JSON object")]
    public async Task An_answer_outside_the_taxonomy_or_malformed_gives_null_and_a_log_line(string content, string reason)
    {
        Answer(content);

        var result = await Suggester().SuggestAsync(Session(), CancellationToken.None);

        result.ShouldBeNull();
        _logger.Lines.ShouldHaveSingleItem().ShouldContain(reason);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(429)]
    public async Task A_server_error_or_rate_limit_is_unavailable_for_a_later_retry(int status)
    {
        _server.Given(Request.Create().WithPath(CompletionsPath).UsingPost())
            .RespondWith(WireMockResponse.Create().WithStatusCode(status).WithBodyAsJson(new { error = new { message = "busy", code = status.ToString() } }));

        await Should.ThrowAsync<SuggesterUnavailableException>(() => Suggester().SuggestAsync(Session(), CancellationToken.None));
        _server.LogEntries.Count.ShouldBe(1);
    }

    [Fact]
    public async Task An_answer_slower_than_the_timeout_is_unavailable()
    {
        _server.Given(Request.Create().WithPath(CompletionsPath).UsingPost())
            .RespondWith(WireMockResponse.Create().WithDelay(TimeSpan.FromSeconds(5)).WithBodyAsJson(Completion(ValidAnswer.ToJsonString())));

        await Should.ThrowAsync<SuggesterUnavailableException>(() => Suggester(TimeSpan.FromMilliseconds(500)).SuggestAsync(Session(), CancellationToken.None));
    }

    [Fact]
    public async Task A_refused_request_gives_null_and_a_log_line()
    {
        _server.Given(Request.Create().WithPath(CompletionsPath).UsingPost())
            .RespondWith(WireMockResponse.Create().WithStatusCode(400).WithBodyAsJson(new { error = new { message = "content filter", code = "content_filter" } }));

        (await Suggester().SuggestAsync(Session(), CancellationToken.None)).ShouldBeNull();
        _logger.Lines.ShouldHaveSingleItem().ShouldContain("HTTP 400");
    }

    private OpenAiSuggester Suggester(TimeSpan? timeout = null) =>
        new(new OpenAiSuggesterOptions(new Uri(_server.Url!), ApiKey, Deployment) { Timeout = timeout ?? TimeSpan.FromSeconds(30) }, _taxonomy, _logger);

    private static SuggestionRequest Session()
    {
        var random = new Random(2);
        var labels = SyntheticDataset.DrawLabels(random);
        return new SuggestionRequest(
            [new SuggestionImage("buccal_l", SyntheticDataset.Photo(labels, random, 64, 48), "image/jpeg"),
             new SuggestionImage("occlusal_u", SyntheticDataset.Photo(labels, random, 64, 48), "image/jpeg")],
            new SuggestionContext(0.5, 14, new Dictionary<string, string> { ["overall_tracking"] = "1" }));
    }

    private void Answer(string content) =>
        _server.Given(Request.Create().WithPath(CompletionsPath).UsingPost()).RespondWith(WireMockResponse.Create().WithBodyAsJson(Completion(content)));

    private static object Completion(string content) => new
    {
        id = "chatcmpl-test",
        @object = "chat.completion",
        created = 1_765_000_000,
        model = "gpt-4o-2024-08-06",
        choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
        usage = new { prompt_tokens = 10, completion_tokens = 10, total_tokens = 20 },
    };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
