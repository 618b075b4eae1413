using Microsoft.Extensions.Options;
using OrthoScan.Ml.Models;
using OrthoScan.Ml.Suggestions;

namespace OrthoScan.Api.Infrastructure.Ai;

/// <summary>
/// The suggesters this process has, built once: the local ML.NET model (loaded from <see cref="AiOptions.ModelPath"/> on
/// first use and kept: its prediction engines are pooled inside; while there is no file, nothing is suggested, that is
/// logged once, and the file is looked for again on the next use) and, when configured, GPT-4o on Azure OpenAI. Which one a
/// practice gets is decided here and nowhere else: GPT-4o only for a practice that turned external AI processing on.
/// </summary>
public sealed class TagSuggesters : IDisposable
{
    private readonly AiOptions _options;
    private readonly ILogger<TagSuggesters> _logger;
    private readonly ILoggerFactory _loggers;
    private readonly Lock _loading = new();
    private LocalModel? _local;
    private bool _missingLogged;
    private readonly Lazy<ITagSuggester?> _external;

    public TagSuggesters(IOptions<AiOptions> options, ILoggerFactory loggers)
    {
        _options = options.Value;
        _logger = loggers.CreateLogger<TagSuggesters>();
        _loggers = loggers;
        _external = new(() => _options.Suggester == AiOptions.OpenAiName ? CreateExternal(loggers) : null, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The suggester for a practice, or null when it gets none (no model file, or suggestions turned off).</summary>
    public ITagSuggester? For(bool externalAiProcessing) =>
        externalAiProcessing && _external.Value is { } external ? external : Local()?.Suggester;

    /// <summary>"openai", "mlnet" or "none": what <see cref="For"/> gives a practice.</summary>
    public string NameFor(bool externalAiProcessing) => For(externalAiProcessing)?.Name ?? AiOptions.NoneName;

    /// <summary>The card of the loaded ML.NET model, or null when there is none.</summary>
    public ModelCard? Card => Local()?.Card;

    private LocalModel? Local()
    {
        if (_options.Suggester == AiOptions.NoneName) return null;
        lock (_loading)
        {
            return _local ??= LoadLocal(_loggers);
        }
    }

    private LocalModel? LoadLocal(ILoggerFactory loggers)
    {
        var path = Path.GetFullPath(_options.ModelPath);
        if (!File.Exists(path))
        {
            if (!_missingLogged)
                _logger.LogWarning("No model at {ModelPath}: the ML.NET suggester suggests nothing until one is trained (make run trains a demo model)", path);
            _missingLogged = true;
            return null;
        }
        var bundle = ModelBundle.Load(path);
        _logger.LogInformation("Loaded model {ModelName} {ModelVersion} from {ModelPath}", bundle.Card.Name, bundle.Card.Version, path);
        return new LocalModel(bundle.Card, new MlNetSuggester(bundle, AiTaxonomy.Current, loggers.CreateLogger<MlNetSuggester>()));
    }

    private OpenAiSuggester CreateExternal(ILoggerFactory loggers)
    {
        var openAi = _options.OpenAi;
        return new OpenAiSuggester(new OpenAiSuggesterOptions(new Uri(openAi.Endpoint!), openAi.ApiKey!, openAi.Deployment!), AiTaxonomy.Current,
            loggers.CreateLogger<OpenAiSuggester>());
    }

    public void Dispose()
    {
        if (_local?.Suggester is IDisposable local) local.Dispose();
        if (_external is { IsValueCreated: true, Value: IDisposable external }) external.Dispose();
    }

    private sealed record LocalModel(ModelCard Card, ITagSuggester Suggester);
}

public static class AiSetup
{
    public static IServiceCollection AddAiSuggestions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AiOptions>()
            .Bind(configuration.GetSection(AiOptions.Section))
            .Validate(o => o.IsValid(), $"{AiOptions.Section} is invalid: {AiOptions.Rules}")
            .ValidateOnStart();
        services.AddSingleton<TagSuggesters>();
        return services;
    }
}
