using OrthoScan.Ml;

namespace OrthoScan.Ml.Tests;

public sealed class MlTaxonomyTests
{
    private static readonly MlTaxonomy Taxonomy = new("2", [new MlScore("aligner_fit", ["1", "2", "3", "not_applicable"])], ["attachment_missing"]);

    [Theory]
    [InlineData("aligner_fit", "3", true)]
    [InlineData("aligner_fit", "not_applicable", true)]
    [InlineData("aligner_fit", "4", false)]
    [InlineData("overall_tracking", "1", false)]
    public void A_value_is_accepted_only_when_the_score_has_it(string attribute, string value, bool accepted) =>
        Taxonomy.Accepts(attribute, value).ShouldBe(accepted);
}
