namespace OrthoScan.Ml.Models;

/// <summary>What a trained model.zip says about itself: shown on the dashboard's model page.</summary>
public sealed record ModelCard(
    string Name, string Version, DateTime TrainedAt, string TaxonomyVersion, int TrainingTagSets, IReadOnlyList<AttributeEvaluation> Evaluation);

/// <summary>
/// One score's model on the test split, beside the majority-class baseline. Confusion rows are the true labels and
/// columns the predicted ones, both in the order of <see cref="Labels"/>.
/// </summary>
public sealed record AttributeEvaluation(
    string Attribute, int TestRows, double Accuracy, double MacroF1, double BaselineAccuracy, double BaselineMacroF1,
    IReadOnlyList<string> Labels, IReadOnlyList<IReadOnlyList<int>> Confusion);
