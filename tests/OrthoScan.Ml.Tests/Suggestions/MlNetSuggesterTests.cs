using OrthoScan.Ml.Models;
using OrthoScan.Ml.Suggestions;
using OrthoScan.Ml.Tests.Models;

namespace OrthoScan.Ml.Tests.Suggestions;

[Collection(SyntheticModelCollection.Name)]
public sealed class MlNetSuggesterTests(SyntheticDatasetFixture fixture)
{
    private static readonly string[] FiveViews = ["frontal", "buccal_l", "buccal_r", "occlusal_u", "occlusal_l"];

    [Fact]
    public async Task Sixteen_parallel_calls_each_answer_every_score_with_taxonomy_values()
    {
        var suggester = new MlNetSuggester(fixture.Bundle, SyntheticDataset.Taxonomy);
        var random = new Random(5);
        var requests = Enumerable.Range(0, 16).Select(_ => Request(SyntheticDataset.DrawLabels(random), random)).ToArray();

        var results = await Task.WhenAll(requests.Select(r => Task.Run(() => suggester.SuggestAsync(r, CancellationToken.None))));

        foreach (var result in results)
        {
            result.ShouldNotBeNull();
            result.ModelName.ShouldBe("orthoscan-mlnet");
            result.ModelVersion.ShouldBe(fixture.Bundle.Card.Version);
            result.Values.Select(v => v.Attribute).ShouldBe(["overall_tracking", "aligner_fit", "oral_hygiene"]);
            result.Values.ShouldAllBe(v => SyntheticDataset.Taxonomy.Accepts(v.Attribute, v.Value) && v.Confidence > 0 && v.Confidence <= 1);
        }
        // The same request answers the same alone as under load: pooled engines do not share state.
        var alone = await suggester.SuggestAsync(requests[0], CancellationToken.None);
        alone!.Values.ShouldBe(results[0]!.Values);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("3")]
    public async Task Suggestions_follow_what_the_photos_show(string tracking)
    {
        var suggester = new MlNetSuggester(fixture.Bundle, SyntheticDataset.Taxonomy);
        var labels = new Dictionary<string, string> { ["overall_tracking"] = tracking, ["aligner_fit"] = "1", ["oral_hygiene"] = "1" };

        var result = await suggester.SuggestAsync(Request(labels, new Random(8)), CancellationToken.None);

        result!.Values.Single(v => v.Attribute == "overall_tracking").Value.ShouldBe(tracking);
    }

    [Fact]
    public async Task A_model_answer_the_served_taxonomy_lacks_gives_no_suggestion_and_a_log_line()
    {
        var narrower = new MlTaxonomy("2027.1", [new MlScore("overall_tracking", ["1", "2"])], []);
        var logger = new ListLogger<MlNetSuggester>();
        var suggester = new MlNetSuggester(fixture.Bundle, narrower, logger);
        var labels = new Dictionary<string, string> { ["overall_tracking"] = "3", ["aligner_fit"] = "1", ["oral_hygiene"] = "1" };

        var result = await suggester.SuggestAsync(Request(labels, new Random(9)), CancellationToken.None);

        result.ShouldBeNull();
        logger.Lines.ShouldContain(l => l.Contains("overall_tracking") && l.Contains("2027.1"));
    }

    [Fact]
    public async Task An_unreadable_image_counts_as_a_missing_view()
    {
        var logger = new ListLogger<MlNetSuggester>();
        var suggester = new MlNetSuggester(fixture.Bundle, SyntheticDataset.Taxonomy, logger);
        var request = Request(SyntheticDataset.DrawLabels(new Random(3)), new Random(3));
        request = request with { Images = [.. request.Images.Skip(1), new SuggestionImage("frontal", "not a jpeg"u8.ToArray(), "image/jpeg")] };

        var result = await suggester.SuggestAsync(request, CancellationToken.None);

        result!.Values.Count.ShouldBe(3);
        logger.Lines.ShouldContain(l => l.Contains("frontal") && l.Contains("unreadable"));
    }

    private static SuggestionRequest Request(IReadOnlyDictionary<string, string> labels, Random random) => new(
        FiveViews.Select(v => new SuggestionImage(v, SyntheticDataset.Photo(labels, random, 320, 240), "image/jpeg")).ToArray(),
        new SuggestionContext(0.3, 12, new Dictionary<string, string> { ["overall_tracking"] = "1" }));
}
