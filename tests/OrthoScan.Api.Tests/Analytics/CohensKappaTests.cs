using OrthoScan.Api.Features.Tagging;
using Shouldly;

namespace OrthoScan.Api.Tests.Analytics;

public sealed class CohensKappaTests
{
    private static List<(string A, string B)> Pairs(params (string A, string B, int Count)[] cells) =>
        cells.SelectMany(c => Enumerable.Repeat((c.A, c.B), c.Count)).ToList();

    [Fact]
    public void The_textbook_example_of_50_pairs_gives_0_4()
    {
        // Wikipedia, "Cohen's kappa", simple example: pₒ = 35/50 = 0.7, pₑ = 0.5·0.6 + 0.5·0.4 = 0.5, κ = 0.2 / 0.5.
        var result = CohensKappa.Compute(Pairs(("yes", "yes", 20), ("yes", "no", 5), ("no", "yes", 10), ("no", "no", 15)));

        result.Pairs.ShouldBe(50);
        result.ObservedAgreement!.Value.ShouldBe(0.7, 1e-12);
        result.Kappa!.Value.ShouldBe(0.4, 1e-12);
    }

    [Fact]
    public void Three_categories_with_chance_agreement_from_each_raters_own_frequencies()
    {
        // pₒ = 7/10; rater A: 1×3, 2×4, 3×3; rater B: 1×2, 2×5, 3×3; pₑ = (6 + 20 + 9) / 100 = 0.35; κ = 0.35 / 0.65.
        var result = CohensKappa.Compute(Pairs(("1", "1", 2), ("2", "2", 3), ("3", "3", 2), ("1", "2", 1), ("2", "3", 1), ("3", "2", 1)));

        result.ObservedAgreement!.Value.ShouldBe(0.7, 1e-12);
        result.Kappa!.Value.ShouldBe(0.35 / 0.65, 1e-12);
    }

    [Fact]
    public void Perfect_agreement_is_1_and_systematic_disagreement_is_negative()
    {
        CohensKappa.Compute(Pairs(("1", "1", 3), ("2", "2", 3))).Kappa.ShouldBe(1.0);
        CohensKappa.Compute(Pairs(("1", "2", 3), ("2", "1", 3))).Kappa.ShouldBe(-1.0);
    }

    [Fact]
    public void Kappa_is_undefined_without_two_pairs_or_when_chance_predicts_full_agreement()
    {
        CohensKappa.Compute(new List<(string A, string B)>()).ShouldBe(new CohensKappa.Result(0, null, null));
        CohensKappa.Compute(Pairs(("1", "2", 1))).ShouldBe(new CohensKappa.Result(1, 0.0, null));
        // Everybody always answers "2": pₑ = 1, so (pₒ − pₑ) / (1 − pₑ) divides by zero.
        CohensKappa.Compute(Pairs(("2", "2", 5))).ShouldBe(new CohensKappa.Result(5, 1.0, null));
    }
}
