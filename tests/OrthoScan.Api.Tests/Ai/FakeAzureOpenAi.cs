using System.Text.Json.Nodes;
using OrthoScan.Api.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.Server;
using WireMockResponse = WireMock.ResponseBuilders.Response;

namespace OrthoScan.Api.Tests.Ai;

/// <summary>
/// Azure OpenAI's chat completions as WireMock on loopback, and an API host whose suggester is GPT-4o on it (no ML.NET
/// model file, so practices without external AI get no suggester at all). A test says what GPT-4o answers next.
/// </summary>
public sealed class FakeAzureOpenAi : IAsyncLifetime
{
    public const string Deployment = "gpt-4o";
    public const string ApiKey = "azure-openai-test-key";
    public const string ModelVersion = "gpt-4o-2024-11-20";
    private const string CompletionsPath = "/openai/deployments/" + Deployment + "/chat/completions";

    public WireMockServer Server { get; } = LoopbackFake.Start();
    public ApiFactory Api { get; } = new();

    public FakeAzureOpenAi()
    {
        Api.Settings["OrthoScan:Ai:Suggester"] = "openai";
        Api.Settings["OrthoScan:Ai:ModelPath"] = Path.Combine(Path.GetTempPath(), "orthoscan-no-model-" + Guid.NewGuid().ToString("N"), "model.zip");
        Api.Settings["OrthoScan:Ai:OpenAi:Endpoint"] = Server.Url;
        Api.Settings["OrthoScan:Ai:OpenAi:ApiKey"] = ApiKey;
        Api.Settings["OrthoScan:Ai:OpenAi:Deployment"] = Deployment;
    }

    public Task InitializeAsync() => Api.InitializeAsync();

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        Server.Stop();
        Server.Dispose();
    }

    /// <summary>The chat completions the API sent so far.</summary>
    public int Requests => Server.LogEntries.Count(e => e.RequestMessage.Path == CompletionsPath);

    /// <summary>GPT-4o answers <paramref name="content"/> as its message (what the JSON schema asked for, or not).</summary>
    public void Answers(string content)
    {
        Server.Reset();
        Server.Given(Request.Create().WithPath(CompletionsPath).UsingPost())
            .RespondWith(WireMockResponse.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(new JsonObject
            {
                ["id"] = "chatcmpl-" + Guid.NewGuid().ToString("N"),
                ["object"] = "chat.completion",
                ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                ["model"] = ModelVersion,
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0,
                    ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content },
                    ["finish_reason"] = "stop",
                }),
                ["usage"] = new JsonObject { ["prompt_tokens"] = 1200, ["completion_tokens"] = 40, ["total_tokens"] = 1240 },
            }.ToJsonString()));
    }

    /// <summary>GPT-4o's service fails with <paramref name="status"/> (429, 5xx: worth a retry).</summary>
    public void Fails(int status)
    {
        Server.Reset();
        Server.Given(Request.Create().WithPath(CompletionsPath).UsingPost())
            .RespondWith(WireMockResponse.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json")
                .WithBody("""{"error":{"code":"Busy","message":"Try again later."}}"""));
    }

    public static string Scores(string tracking, string fit, string hygiene) => new JsonObject
    {
        ["overall_tracking"] = new JsonObject { ["value"] = tracking, ["confidence"] = 0.81 },
        ["aligner_fit"] = new JsonObject { ["value"] = fit, ["confidence"] = 0.64 },
        ["oral_hygiene"] = new JsonObject { ["value"] = hygiene, ["confidence"] = 0.9 },
    }.ToJsonString();
}
