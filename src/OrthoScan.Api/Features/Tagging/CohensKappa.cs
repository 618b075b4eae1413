namespace OrthoScan.Api.Features.Tagging;

/// <summary>
/// Cohen's kappa for two raters who rated the same items: κ = (pₒ − pₑ) / (1 − pₑ), where pₒ is the share of items
/// both put in the same category and pₑ the agreement expected by chance from each rater's own category frequencies.
/// Kappa is undefined (null) for fewer than two items or when chance alone predicts full agreement (pₑ = 1).
/// </summary>
public static class CohensKappa
{
    public sealed record Result(int Pairs, double? ObservedAgreement, double? Kappa);

    public static Result Compute(IReadOnlyList<(string A, string B)> pairs) =>
        FromTable(pairs.GroupBy(p => p).Select(g => (g.Key.A, g.Key.B, g.Count())).ToList());

    /// <summary>From a contingency table: how many items rater A put in category <c>A</c> and rater B in category <c>B</c>.</summary>
    public static Result FromTable(IReadOnlyList<(string A, string B, int Count)> table)
    {
        var n = table.Sum(c => c.Count);
        if (n == 0) return new Result(0, null, null);
        var observed = (double)table.Where(c => c.A == c.B).Sum(c => c.Count) / n;
        var byA = table.GroupBy(c => c.A).ToDictionary(g => g.Key, g => g.Sum(c => c.Count));
        var byB = table.GroupBy(c => c.B).ToDictionary(g => g.Key, g => g.Sum(c => c.Count));
        var expected = byA.Sum(a => (double)a.Value * byB.GetValueOrDefault(a.Key)) / ((double)n * n);
        double? kappa = n < 2 || expected >= 1 ? null : (observed - expected) / (1 - expected);
        return new Result(n, observed, kappa);
    }
}
