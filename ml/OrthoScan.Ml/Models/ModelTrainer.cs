using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;
using OrthoScan.Ml.Datasets;
using OrthoScan.Ml.Features;

namespace OrthoScan.Ml.Models;

public enum TrainerKind { LightGbm, FastTree }

/// <summary>How to train. Iterations and leaf size are kept small: datasets are thousands of sessions, not millions.</summary>
public sealed record TrainingOptions(int Seed = 1, TrainerKind Trainer = TrainerKind.LightGbm, int Iterations = 100, double LearningRate = 0.1, int Leaves = 16);

/// <summary>What <see cref="ModelTrainer"/> reports while it works: the score being trained, and how many of how many.</summary>
public sealed record TrainingStep(string Attribute, int Done, int Total);

/// <summary>
/// Trains one multiclass model per taxonomy score on the train split and evaluates it on the test split beside the
/// majority-class baseline. LightGBM by default; FastTree (one-versus-all) when asked, or when LightGBM's native library
/// does not load.
/// </summary>
public static class ModelTrainer
{
    public const string ModelName = "orthoscan-mlnet";

    /// <summary>Featurizes an unpacked dataset's sessions and trains on them: what `orthoscan-ml train` and the Api's demo model do.</summary>
    public static ModelBundle Train(TrainingDataset dataset, TrainingOptions options, IProgress<TrainingStep>? progress = null) =>
        Train(dataset.Featurize(FeatureLayout.For(dataset.Attributes)), dataset.Attributes, dataset.TaxonomyVersion, options, progress);

    public static ModelBundle Train(
        FeaturedSessions data, IReadOnlyList<string> attributes, string taxonomyVersion, TrainingOptions options,
        IProgress<TrainingStep>? progress = null, TimeProvider? clock = null)
    {
        var context = new MLContext(options.Seed);
        var models = new Dictionary<string, ITransformer>();
        var evaluations = new List<AttributeEvaluation>();
        var train = data.Sessions.Where(s => s.Split == DatasetLayout.Train).ToArray();
        if (train.Length == 0) throw new DatasetFormatException("The dataset has no labelled sessions in the train split.");

        var done = 0;
        foreach (var attribute in attributes)
        {
            progress?.Report(new TrainingStep(attribute, done, attributes.Count));
            var rows = train.Where(s => s.Labels.ContainsKey(attribute)).Select(s => new ScoreInput { Features = s.Features, Label = s.Labels[attribute] }).ToArray();
            // A score with a single value in training has nothing to learn; it gets no model rather than a constant guess.
            if (rows.Select(r => r.Label).Distinct().Count() >= 2)
            {
                var model = Fit(context, data.Layout, rows, options);
                models[attribute] = model;
                evaluations.Add(Evaluate(context, data.Layout, model, attribute, data.Sessions, rows.Select(r => r.Label)));
            }
            progress?.Report(new TrainingStep(attribute, ++done, attributes.Count));
        }
        if (models.Count == 0) throw new DatasetFormatException("No score has two or more different values in the train split: there is nothing to learn.");

        var trainedAt = (clock ?? TimeProvider.System).GetUtcNow().UtcDateTime;
        var card = new ModelCard(ModelName, trainedAt.ToString("yyyy.MM.dd-HHmmss", System.Globalization.CultureInfo.InvariantCulture),
            trainedAt, taxonomyVersion, train.Length, evaluations);
        return new ModelBundle(card, data.Layout, models, context);
    }

    /// <summary>
    /// Evaluates a bundle's models on the test split of <paramref name="sessions"/>; the baseline's majority class comes
    /// from their train split.
    /// </summary>
    public static IReadOnlyList<AttributeEvaluation> Evaluate(ModelBundle bundle, IReadOnlyList<FeaturedSession> sessions) =>
        bundle.Models.Select(m => Evaluate(bundle.Context, bundle.Layout, m.Value, m.Key, sessions,
                sessions.Where(s => s.Split == DatasetLayout.Train && s.Labels.ContainsKey(m.Key)).Select(s => s.Labels[m.Key])))
            .ToArray();

    private static TransformerChain<Microsoft.ML.Transforms.KeyToValueMappingTransformer> Fit(MLContext context, FeatureLayout layout, ScoreInput[] rows, TrainingOptions options)
    {
        var data = context.Data.LoadFromEnumerable(rows, ScoreInput.Schema(layout));
        if (options.Trainer == TrainerKind.LightGbm)
        {
            try
            {
                return Pipeline(context, LightGbm(context, rows.Length, options)).Fit(data);
            }
            catch (Exception e) when (IsNativeLoadFailure(e))
            {
                // LightGBM ships a native library; where it does not load, FastTree (managed) still trains.
            }
        }
        return Pipeline(context, FastTree(context, rows.Length, options)).Fit(data);
    }

    private static EstimatorChain<Microsoft.ML.Transforms.KeyToValueMappingTransformer> Pipeline(MLContext context, IEstimator<ITransformer> trainer) =>
        context.Transforms.Conversion.MapValueToKey(nameof(ScoreInput.Label), keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Append(trainer)
            .Append(context.Transforms.Conversion.MapKeyToValue(nameof(ScoreOutput.PredictedLabel)));

    private static LightGbmMulticlassTrainer LightGbm(MLContext context, int rows, TrainingOptions options) =>
        context.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options
        {
            NumberOfIterations = options.Iterations,
            LearningRate = options.LearningRate,
            NumberOfLeaves = options.Leaves,
            MinimumExampleCountPerLeaf = MinimumLeafSize(rows),
            Seed = options.Seed,
            Verbose = false,
            Silent = true,
        });

    private static OneVersusAllTrainer FastTree(MLContext context, int rows, TrainingOptions options) =>
        context.MulticlassClassification.Trainers.OneVersusAll(context.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            NumberOfTrees = options.Iterations,
            LearningRate = options.LearningRate,
            NumberOfLeaves = options.Leaves,
            MinimumExampleCountPerLeaf = MinimumLeafSize(rows),
        }));

    private static int MinimumLeafSize(int rows) => Math.Clamp(rows / 100, 2, 20);

    private static bool IsNativeLoadFailure(Exception e) =>
        e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException
        || (e.InnerException is { } inner && IsNativeLoadFailure(inner));

    private static AttributeEvaluation Evaluate(
        MLContext context, FeatureLayout layout, ITransformer model, string attribute, IReadOnlyList<FeaturedSession> sessions, IEnumerable<string> trainLabels)
    {
        var trainLabelList = trainLabels.ToArray();
        var test = sessions.Where(s => s.Split == DatasetLayout.Test && s.Labels.ContainsKey(attribute)).ToArray();
        var truth = test.Select(s => s.Labels[attribute]).ToArray();
        var predicted = new string[test.Length];
        if (test.Length > 0)
        {
            var input = context.Data.LoadFromEnumerable(test.Select(s => new ScoreInput { Features = s.Features, Label = "" }), ScoreInput.Schema(layout));
            var output = context.Data.CreateEnumerable<ScoreOutput>(model.Transform(input), reuseRowObject: false).ToArray();
            for (var i = 0; i < test.Length; i++) predicted[i] = output[i].PredictedLabel ?? "";
        }
        var labels = ScoreMetrics.Order(trainLabelList.Concat(truth).Concat(predicted.Where(p => p.Length > 0)));
        var majority = trainLabelList.Length > 0 ? ScoreMetrics.Majority(trainLabelList) : "";
        return ScoreMetrics.Evaluate(attribute, labels, truth, predicted, majority);
    }
}

/// <summary>A row a score model reads: the session's features and (in training) its label.</summary>
public sealed class ScoreInput
{
    public float[] Features { get; set; } = [];
    public string Label { get; set; } = "";

    /// <summary>The vector's length is the layout's, known only at run time.</summary>
    public static SchemaDefinition Schema(FeatureLayout layout)
    {
        var schema = SchemaDefinition.Create(typeof(ScoreInput));
        schema[nameof(Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, layout.Length);
        return schema;
    }
}

/// <summary>A score model's answer: the predicted value and the class probabilities.</summary>
public sealed class ScoreOutput
{
    public string? PredictedLabel { get; set; }
    public float[] Score { get; set; } = [];
}
