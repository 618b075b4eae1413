using OrthoScan.Ml.Datasets;
using OrthoScan.Ml.Features;
using OrthoScan.Ml.Models;

namespace OrthoScan.Ml.Tests.Models;

[Collection(SyntheticModelCollection.Name)]
public sealed class ModelTrainerTests(SyntheticDatasetFixture fixture)
{
    [Fact]
    public void Training_on_a_planted_signal_beats_the_majority_baseline_on_macro_f1_for_every_score()
    {
        fixture.Bundle.Card.Evaluation.Select(e => e.Attribute).ShouldBe(["overall_tracking", "aligner_fit", "oral_hygiene"]);
        foreach (var evaluation in fixture.Bundle.Card.Evaluation)
        {
            evaluation.TestRows.ShouldBeGreaterThan(30);
            evaluation.MacroF1.ShouldBeGreaterThan(evaluation.BaselineMacroF1 + 0.2, evaluation.Attribute);
            evaluation.Accuracy.ShouldBeGreaterThan(evaluation.BaselineAccuracy, evaluation.Attribute);
            evaluation.Confusion.Sum(row => row.Sum()).ShouldBe(evaluation.TestRows);
        }
    }

    [Fact]
    public void Only_the_first_tag_set_of_a_session_is_a_label_and_empty_scores_are_no_label()
    {
        fixture.Dataset.Sessions.Select(s => s.ExportSessionId).ShouldBeUnique();
        fixture.Dataset.Sessions.Count.ShouldBe(SyntheticDatasetFixture.Sessions);
        fixture.Dataset.Sessions.ShouldContain(s => s.Labels.Count < fixture.Dataset.Attributes.Count);
        fixture.Dataset.Sessions.SelectMany(s => s.Labels).ShouldAllBe(l => l.Value.Length > 0);
    }

    [Fact]
    public void The_card_says_what_was_trained_on_what()
    {
        var card = fixture.Bundle.Card;
        card.Name.ShouldBe("orthoscan-mlnet");
        card.TaxonomyVersion.ShouldBe(SyntheticDataset.Taxonomy.Version);
        card.TrainingTagSets.ShouldBe(fixture.Dataset.Sessions.Count(s => s.Split == DatasetLayout.Train));
        card.Evaluation.Single(e => e.Attribute == "aligner_fit").Labels.ShouldBe(["1", "2", "3", "not_applicable"]);
    }

    [Fact]
    public void Model_zip_round_trips_with_the_same_card_layout_and_predictions()
    {
        var path = Path.Combine(fixture.Root, "roundtrip-model.zip");
        fixture.Bundle.Save(path);

        var loaded = ModelBundle.Load(path);

        Json(loaded.Card).ShouldBe(Json(fixture.Bundle.Card));
        loaded.Layout.Length.ShouldBe(fixture.Bundle.Layout.Length);
        loaded.Models.Keys.Order().ShouldBe(fixture.Bundle.Models.Keys.Order().ToArray());
        Json(ModelTrainer.Evaluate(loaded, fixture.Featured.Sessions)).ShouldBe(Json(fixture.Bundle.Card.Evaluation));
        using var zip = System.IO.Compression.ZipFile.OpenRead(path);
        zip.Entries.Select(e => e.FullName).Order().ToArray().ShouldBe(["aligner_fit.zip", "card.json", "features.json", "oral_hygiene.zip", "overall_tracking.zip"]);
    }

    private static string Json<T>(T value) => System.Text.Json.JsonSerializer.Serialize(value);

    [Fact]
    public void FastTree_trains_as_well_when_asked()
    {
        var bundle = ModelTrainer.Train(fixture.Featured, ["overall_tracking"], "2026.1", new TrainingOptions(Trainer: TrainerKind.FastTree, Iterations: 30));

        var evaluation = bundle.Card.Evaluation.ShouldHaveSingleItem();
        evaluation.MacroF1.ShouldBeGreaterThan(evaluation.BaselineMacroF1);
    }

    [Fact]
    public void A_score_with_one_value_in_training_gets_no_model_and_nothing_to_learn_is_bad_input()
    {
        var layout = FeatureLayout.For(["overall_tracking"]);
        var sessions = Enumerable.Range(0, 30).Select(i => new FeaturedSession(i % 5 == 0 ? DatasetLayout.Test : DatasetLayout.Train,
            new float[layout.Length], new Dictionary<string, string> { ["overall_tracking"] = "1" })).ToArray();

        Should.Throw<DatasetFormatException>(() => ModelTrainer.Train(new FeaturedSessions(layout, sessions, 0), ["overall_tracking"], "x", new TrainingOptions()))
            .Message.ShouldContain("nothing to learn");
    }
}
