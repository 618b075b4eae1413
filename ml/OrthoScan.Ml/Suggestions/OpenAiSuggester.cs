using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.AI.OpenAI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenAI;
using OpenAI.Chat;

namespace OrthoScan.Ml.Suggestions;

/// <summary>
/// Where GPT-4o is: an Azure OpenAI resource (endpoint, key, deployment name) or, with <see cref="Azure"/> off, the
/// OpenAI API (the deployment is then the model name; a null endpoint is OpenAI's own).
/// </summary>
public sealed record OpenAiSuggesterOptions(Uri? Endpoint, string ApiKey, string Deployment, bool Azure = true)
{
    /// <summary>How long one answer may take before the session is left for a later retry.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>
/// Suggestions from GPT-4o. The request holds only what <see cref="SuggestionRequest"/> holds: the EXIF-free display
/// images (as data URIs) and the session's context numbers, and asks for a structured answer whose JSON schema is built
/// from the taxonomy (each score an enum of its values, with a confidence). An answer outside the taxonomy or malformed
/// gives null and a log line; 429, 5xx and timeouts throw <see cref="SuggesterUnavailableException"/>.
/// </summary>
public sealed class OpenAiSuggester : ITagSuggester
{
    public const string SchemaName = "orthoscan_scan_scores";

    private const string Instructions =
        "You look at intraoral photos of a clear-aligner patient taken at home and suggest the scores a doctor will confirm " +
        "or override. Your answer is a non-diagnostic aid. For each score give one of its allowed values and your confidence " +
        "between 0 and 1. Scores run from 1 (best) to 3 (worst); not_applicable where the score allows it and the photos " +
        "show no aligner. Previous scores are the doctor's scores of the patient's last scan.";

    private readonly ChatClient _chat;
    private readonly OpenAiSuggesterOptions _options;
    private readonly MlTaxonomy _taxonomy;
    private readonly ILogger _logger;
    private readonly ChatResponseFormat _format;

    public OpenAiSuggester(OpenAiSuggesterOptions options, MlTaxonomy taxonomy, ILogger<OpenAiSuggester>? logger = null)
    {
        _options = options;
        _taxonomy = taxonomy;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _chat = CreateClient(options);
        _format = ChatResponseFormat.CreateJsonSchemaFormat(SchemaName, BinaryData.FromString(Schema(taxonomy).ToJsonString()), jsonSchemaIsStrict: true);
    }

    public string Name => "openai";

    /// <summary>The answer's JSON schema: one required object per score, { value: enum of its values, confidence: number }.</summary>
    public static JsonObject Schema(MlTaxonomy taxonomy) => new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject(taxonomy.Scores.Select(s => KeyValuePair.Create(s.Attribute, (JsonNode?)new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["value"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray([.. s.Values.Select(v => (JsonNode)v)]) },
                ["confidence"] = new JsonObject { ["type"] = "number" },
            },
            ["required"] = new JsonArray("value", "confidence"),
            ["additionalProperties"] = false,
        }))),
        ["required"] = new JsonArray([.. taxonomy.Scores.Select(s => (JsonNode)s.Attribute)]),
        ["additionalProperties"] = false,
    };

    public async Task<SuggestionResult?> SuggestAsync(SuggestionRequest request, CancellationToken ct)
    {
        ChatCompletion completion;
        try
        {
            completion = (await _chat.CompleteChatAsync(Messages(request), new ChatCompletionOptions { ResponseFormat = _format, Temperature = 0 }, ct)).Value;
        }
        catch (ClientResultException e) when (e.Status is 0 or 408 or 429 or >= 500)
        {
            throw new SuggesterUnavailableException($"The OpenAI service is unavailable ({(e.Status == 0 ? "no response" : "HTTP " + e.Status)}).", e);
        }
        catch (ClientResultException e)
        {
            _logger.LogWarning("OpenAI suggester: the request was refused with HTTP {Status}; nothing is suggested", e.Status);
            return null;
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new SuggesterUnavailableException($"The OpenAI service did not answer within {_options.Timeout.TotalSeconds:0} s.", e);
        }
        catch (HttpRequestException e)
        {
            throw new SuggesterUnavailableException("The OpenAI service could not be reached.", e);
        }
        return Validate(completion);
    }

    private static List<ChatMessage> Messages(SuggestionRequest request)
    {
        var context = new JsonObject
        {
            ["stage_fraction"] = request.Context.StageFraction,
            ["days_since_last_scan"] = request.Context.DaysSinceLastScan,
            ["previous_scores"] = request.Context.PreviousScores is { } previous
                ? new JsonObject(previous.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)))
                : null,
        };
        var parts = new List<ChatMessageContentPart> { ChatMessageContentPart.CreateTextPart("Session context: " + context.ToJsonString()) };
        foreach (var image in request.Images)
        {
            parts.Add(ChatMessageContentPart.CreateTextPart("View: " + image.View));
            parts.Add(ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(image.Bytes), image.ContentType));
        }
        return [new SystemChatMessage(Instructions), new UserChatMessage(parts)];
    }

    private SuggestionResult? Validate(ChatCompletion completion)
    {
        if (completion.FinishReason != ChatFinishReason.Stop || completion.Content.Count == 0 || completion.Content[0].Text is not { Length: > 0 } text)
            return Refuse("the answer was cut off, refused or empty (finish reason {0})", completion.FinishReason);

        JsonObject answer;
        try
        {
            if (JsonNode.Parse(text) is not JsonObject parsed) return Refuse("the answer is not a JSON object");
            answer = parsed;
        }
        catch (JsonException)
        {
            return Refuse("the answer is not valid JSON");
        }

        var unknown = answer.Select(p => p.Key).Where(k => _taxonomy.Score(k) is null).ToArray();
        if (unknown.Length > 0) return Refuse("the answer has scores the taxonomy does not: {0}", string.Join(", ", unknown));

        var values = new List<SuggestedValue>();
        foreach (var score in _taxonomy.Scores)
        {
            if (answer[score.Attribute] is not JsonObject item
                || item["value"] is not JsonValue valueNode || !valueNode.TryGetValue<string>(out var value)
                || item["confidence"] is not JsonValue confidenceNode || !confidenceNode.TryGetValue<double>(out var confidence))
                return Refuse("the answer for {0} is missing or malformed", score.Attribute);
            if (!_taxonomy.Accepts(score.Attribute, value)) return Refuse("{0} = {1} is not a value of the taxonomy", score.Attribute, value);
            if (confidence is < 0 or > 1 || double.IsNaN(confidence)) return Refuse("the confidence of {0} is outside [0, 1]", score.Attribute);
            values.Add(new SuggestedValue(score.Attribute, value, (float)confidence));
        }
        return new SuggestionResult(_options.Deployment, string.IsNullOrEmpty(completion.Model) ? _options.Deployment : completion.Model, values);
    }

    private SuggestionResult? Refuse(string why, params object?[] args)
    {
        _logger.LogWarning("OpenAI suggester: nothing is suggested because {Reason}", string.Format(CultureInfo.InvariantCulture, why, args));
        return null;
    }

    private static ChatClient CreateClient(OpenAiSuggesterOptions options)
    {
        // The Api's worker retries a session later; retrying inside the SDK would only hold the worker.
        var retry = new ClientRetryPolicy(maxRetries: 0);
        if (options.Azure)
        {
            var endpoint = options.Endpoint ?? throw new ArgumentException("Azure OpenAI needs an endpoint.", nameof(options));
            var azure = new AzureOpenAIClient(endpoint, new ApiKeyCredential(options.ApiKey),
                new AzureOpenAIClientOptions { RetryPolicy = retry, NetworkTimeout = options.Timeout });
            return azure.GetChatClient(options.Deployment);
        }
        var openAi = new OpenAIClientOptions { RetryPolicy = retry, NetworkTimeout = options.Timeout };
        if (options.Endpoint is { } custom) openAi.Endpoint = custom;
        return new ChatClient(options.Deployment, new ApiKeyCredential(options.ApiKey), openAi);
    }
}
