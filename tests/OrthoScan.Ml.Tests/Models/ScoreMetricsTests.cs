using OrthoScan.Ml.Models;

namespace OrthoScan.Ml.Tests.Models;

public sealed class ScoreMetricsTests
{
    [Fact]
    public void Accuracy_macro_f1_and_confusion_are_computed_per_label_and_beside_the_majority_baseline()
    {
        string[] truth = ["1", "1", "1", "2", "2", "3"];
        string[] predicted = ["1", "1", "2", "2", "3", "3"];

        var evaluation = ScoreMetrics.Evaluate("overall_tracking", ["1", "2", "3"], truth, predicted, majority: "1");

        evaluation.Accuracy.ShouldBe(4.0 / 6, 1e-9);
        // F1: label 1 = 2*2/(3+2) = 0.8; label 2 = 2*1/(2+2) = 0.5; label 3 = 2*1/(1+2) = 0.667.
        evaluation.MacroF1.ShouldBe((0.8 + 0.5 + 2.0 / 3) / 3, 1e-9);
        evaluation.Confusion.ShouldBe([[2, 1, 0], [0, 1, 1], [0, 0, 1]]);
        evaluation.BaselineAccuracy.ShouldBe(0.5, 1e-9);
        // Baseline: label 1 F1 = 2*3/(3+6) = 0.667; labels 2 and 3 F1 = 0 (never predicted, but present).
        evaluation.BaselineMacroF1.ShouldBe(2.0 / 3 / 3, 1e-9);
    }

    [Fact]
    public void Labels_follow_the_taxonomy_order_numbers_then_words() =>
        ScoreMetrics.Order(["not_applicable", "3", "1", "2", "1"]).ShouldBe(["1", "2", "3", "not_applicable"]);
}
