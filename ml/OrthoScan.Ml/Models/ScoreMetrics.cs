namespace OrthoScan.Ml.Models;

/// <summary>Accuracy, macro-F1 and the confusion matrix of predicted against true labels, and the majority-class baseline.</summary>
public static class ScoreMetrics
{
    /// <summary>
    /// Evaluates one score on the test rows. <paramref name="labels"/> orders the confusion matrix (rows true, columns
    /// predicted); the baseline always predicts <paramref name="majority"/>, the most frequent training label.
    /// Macro-F1 averages over the labels that occur in the truth or the predictions.
    /// </summary>
    public static AttributeEvaluation Evaluate(string attribute, IReadOnlyList<string> labels, IReadOnlyList<string> truth, IReadOnlyList<string> predicted, string majority)
    {
        var (accuracy, macroF1, confusion) = Score(labels, truth, predicted);
        var (baselineAccuracy, baselineMacroF1, _) = Score(labels, truth, truth.Select(_ => majority).ToArray());
        return new AttributeEvaluation(attribute, truth.Count, accuracy, macroF1, baselineAccuracy, baselineMacroF1, labels, confusion);
    }

    /// <summary>Numbers first ("1", "2", "3"), then words (not_applicable): the taxonomy's order.</summary>
    public static IReadOnlyList<string> Order(IEnumerable<string> labels) =>
        labels.Distinct().OrderBy(l => int.TryParse(l, out _) ? 0 : 1).ThenBy(l => int.TryParse(l, out var n) ? n : 0).ThenBy(l => l, StringComparer.Ordinal).ToArray();

    public static string Majority(IEnumerable<string> labels) =>
        labels.GroupBy(l => l).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;

    private static (double Accuracy, double MacroF1, int[][] Confusion) Score(IReadOnlyList<string> labels, IReadOnlyList<string> truth, IReadOnlyList<string> predicted)
    {
        var index = labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i);
        var confusion = labels.Select(_ => new int[labels.Count]).ToArray();
        for (var i = 0; i < truth.Count; i++)
            if (index.TryGetValue(truth[i], out var t) && index.TryGetValue(predicted[i], out var p))
                confusion[t][p]++;
        if (truth.Count == 0) return (0, 0, confusion);

        var correct = Enumerable.Range(0, labels.Count).Sum(i => confusion[i][i]);
        var f1s = new List<double>();
        for (var c = 0; c < labels.Count; c++)
        {
            var actual = confusion[c].Sum();
            var predictedAs = confusion.Sum(row => row[c]);
            if (actual == 0 && predictedAs == 0) continue;
            var truePositives = confusion[c][c];
            f1s.Add(2.0 * truePositives / (actual + predictedAs));
        }
        return ((double)correct / truth.Count, f1s.Count == 0 ? 0 : f1s.Average(), confusion);
    }
}
