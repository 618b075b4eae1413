using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML;
using OrthoScan.Ml.Features;
using OrthoScan.Ml.Models;

namespace OrthoScan.Ml.Suggestions;

/// <summary>
/// Suggestions from a trained model.zip, computed in process from the session's images and context. ML.NET prediction
/// engines are not thread-safe, so each score keeps a small pool of them: a call rents one per score and hands it back.
/// </summary>
public sealed class MlNetSuggester : ITagSuggester
{
    private readonly ModelBundle _bundle;
    private readonly MlTaxonomy _taxonomy;
    private readonly ILogger _logger;
    private readonly Dictionary<string, ConcurrentBag<PredictionEngine<ScoreInput, ScoreOutput>>> _pools;
    private readonly Lock _creating = new();

    public MlNetSuggester(ModelBundle bundle, MlTaxonomy taxonomy, ILogger<MlNetSuggester>? logger = null)
    {
        _bundle = bundle;
        _taxonomy = taxonomy;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _pools = bundle.Models.Keys.ToDictionary(a => a, _ => new ConcurrentBag<PredictionEngine<ScoreInput, ScoreOutput>>());
    }

    public string Name => "mlnet";

    public ModelCard Card => _bundle.Card;

    public Task<SuggestionResult?> SuggestAsync(SuggestionRequest request, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var images = new Dictionary<string, ImageFeatures>();
        foreach (var image in request.Images)
        {
            try
            {
                images[image.View] = ImageFeatures.From(image.Bytes);
            }
            catch (ImageFeatureException e)
            {
                _logger.LogWarning("ML.NET suggester: the {View} image is unreadable and counts as missing: {Reason}", image.View, e.Message);
            }
        }
        var context = new SessionContextFeatures(request.Context.StageFraction, request.Context.DaysSinceLastScan, request.Context.PreviousScores);
        var input = new ScoreInput { Features = _bundle.Layout.Vector(images, context) };

        var values = new List<SuggestedValue>();
        foreach (var attribute in _taxonomy.Scores.Select(s => s.Attribute).Where(_pools.ContainsKey))
        {
            ct.ThrowIfCancellationRequested();
            var output = Predict(attribute, input);
            if (output.PredictedLabel is not { } value || !_taxonomy.Accepts(attribute, value))
            {
                _logger.LogWarning("ML.NET suggester: model {Version} answered {Value} for {Attribute}, which taxonomy {Taxonomy} does not have; nothing is suggested",
                    _bundle.Card.Version, output.PredictedLabel, attribute, _taxonomy.Version);
                return Task.FromResult<SuggestionResult?>(null);
            }
            var confidence = output.Score.Length == 0 ? 0f : Math.Clamp(output.Score.Max(), 0f, 1f);
            values.Add(new SuggestedValue(attribute, value, confidence));
        }
        if (values.Count == 0)
        {
            _logger.LogWarning("ML.NET suggester: model {Version} has no model for any score of taxonomy {Taxonomy}", _bundle.Card.Version, _taxonomy.Version);
            return Task.FromResult<SuggestionResult?>(null);
        }
        return Task.FromResult<SuggestionResult?>(new SuggestionResult(ModelTrainer.ModelName, _bundle.Card.Version, values));
    }

    private ScoreOutput Predict(string attribute, ScoreInput input)
    {
        var pool = _pools[attribute];
        if (!pool.TryTake(out var engine))
            lock (_creating)
                engine = _bundle.Context.Model.CreatePredictionEngine<ScoreInput, ScoreOutput>(
                    _bundle.Models[attribute], inputSchemaDefinition: ScoreInput.Schema(_bundle.Layout));
        try
        {
            return engine.Predict(input);
        }
        finally
        {
            pool.Add(engine);
        }
    }
}
