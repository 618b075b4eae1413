namespace OrthoScan.Api.Infrastructure.Ai;

/// <summary>Which model suggests tags on ready scans (<c>OrthoScan:Ai</c>).</summary>
public sealed class AiOptions
{
    public const string Section = "OrthoScan:Ai";
    public const string MlNetName = "mlnet";
    public const string OpenAiName = "openai";
    public const string NoneName = "none";

    /// <summary>mlnet (default), openai (only for practices with external AI processing on; the others use mlnet) or none.</summary>
    public string Suggester { get; set; } = MlNetName;

    /// <summary>The trained model.zip; relative paths are taken from the working directory, like the other .local/ files.</summary>
    public string ModelPath { get; set; } = ".local/ml/model.zip";

    public OpenAiOptions OpenAi { get; set; } = new();

    internal bool IsValid() =>
        Suggester is MlNetName or NoneName || (Suggester == OpenAiName && OpenAi.IsComplete());

    internal const string Rules = "Suggester is mlnet, openai or none; openai needs OpenAi:Endpoint (http or https), OpenAi:ApiKey and OpenAi:Deployment.";
}

/// <summary>The Azure OpenAI deployment of GPT-4o (<c>OrthoScan:Ai:OpenAi</c>).</summary>
public sealed class OpenAiOptions
{
    public string? Endpoint { get; set; }
    public string? ApiKey { get; set; }
    public string? Deployment { get; set; }

    internal bool IsComplete() =>
        Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
        && !string.IsNullOrWhiteSpace(ApiKey) && !string.IsNullOrWhiteSpace(Deployment);
}
