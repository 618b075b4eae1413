using System.IO.Compression;
using NetVips;
using OrthoScan.Ml.Features;
using OrthoScan.Ml.Models;
using OrthoScan.Ml.Suggestions;

namespace OrthoScan.Ml.Tests.Features;

/// <summary>A plugged-in ONNX image embedding, end to end on a tiny model written in the test (mean R, G, B of the photo).</summary>
public sealed class OnnxEmbeddingTests(OnnxEmbeddingFixture fixture) : IClassFixture<OnnxEmbeddingFixture>, IDisposable
{
    private static readonly string[] FiveViews = ["frontal", "buccal_l", "buccal_r", "occlusal_u", "occlusal_l"];
    private readonly string _work = Directory.CreateTempSubdirectory("orthoscan-ml-onnx-test-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public void Opening_a_model_takes_its_only_input_and_output_its_fixed_size_and_the_length_it_answers()
    {
        fixture.Embedder.Spec.ShouldBe(new OnnxEmbeddingSpec(TinyOnnx.Input, TinyOnnx.Output, OnnxEmbeddingFixture.Size, 3, "rgb_nchw_0_1"));
    }

    [Fact]
    public void Pixels_are_fed_as_rgb_planes_from_0_to_1()
    {
        // A solid colour's channel means are the colour itself, in R, G, B order: the tensor is NCHW, scaled to 0..1.
        var embedding = fixture.Embedder.Embed(Solid(200, 100, 50));

        embedding.Length.ShouldBe(3);
        embedding[0].ShouldBe(200 / 255f, 0.002f);
        embedding[1].ShouldBe(100 / 255f, 0.002f);
        embedding[2].ShouldBe(50 / 255f, 0.002f);
    }

    [Fact]
    public async Task Parallel_callers_each_get_the_embedding_of_their_own_photo()
    {
        var colours = Enumerable.Range(0, 16).Select(i => (Red: 10 + 15 * i, Green: 240 - 12 * i, Blue: 7 * i)).ToArray();
        var photos = colours.Select(c => Solid(c.Red, c.Green, c.Blue)).ToArray();

        var embeddings = await Task.WhenAll(photos.Select(p => Task.Run(() => fixture.Embedder.Embed(p))));

        for (var i = 0; i < colours.Length; i++)
        {
            embeddings[i][0].ShouldBe(colours[i].Red / 255f, 0.002f);
            embeddings[i][1].ShouldBe(colours[i].Green / 255f, 0.002f);
            embeddings[i][2].ShouldBe(colours[i].Blue / 255f, 0.002f);
        }
    }

    [Fact]
    public void Training_with_the_embedding_appends_it_to_each_view_and_the_layout_records_it()
    {
        var layout = fixture.Bundle.Layout;
        var names = layout.Names.ToList();

        layout.Version.ShouldBe(FeatureLayout.EmbeddingVersion);
        layout.Embedding.ShouldBe(fixture.Embedder.Spec);
        layout.Length.ShouldBe(FeatureLayout.For(fixture.Dataset.Attributes).Length + 3 * layout.Views.Count);
        layout.Names.ShouldContain("buccal_l.embedding_2");
        names.IndexOf("buccal_l.embedding_0").ShouldBe(names.IndexOf("buccal_l.high_frequency_std") + 1);
        names.IndexOf("buccal_l.present").ShouldBe(names.IndexOf("buccal_l.embedding_2") + 1);
        fixture.Bundle.Card.Evaluation.Select(e => e.Attribute).ShouldBe(["overall_tracking", "aligner_fit", "oral_hygiene"]);
        fixture.Bundle.Card.Evaluation.ShouldAllBe(e => e.TestRows > 0);
    }

    [Fact]
    public void A_views_features_hold_what_the_onnx_model_answers_for_its_photo()
    {
        var session = fixture.Dataset.Sessions.First(s => s.ImagePaths.Any(p => TrainingDataset.ViewOf(p, s.ExportSessionId) == "buccal_r"));
        var photo = File.ReadAllBytes(Path.Combine(fixture.DatasetRoot, session.ImagePaths.First(p => TrainingDataset.ViewOf(p, session.ExportSessionId) == "buccal_r")));
        var pixels = OnnxImageEmbedder.Pixels(photo, OnnxEmbeddingFixture.Size);
        var plane = OnnxEmbeddingFixture.Size * OnnxEmbeddingFixture.Size;
        var subset = fixture.Dataset with { Sessions = [session] };

        var vector = subset.Featurize(fixture.Bundle.Layout, embedder: fixture.Embedder).Sessions.Single().Features;

        var names = fixture.Bundle.Layout.Names.ToList();
        for (var channel = 0; channel < 3; channel++)
            vector[names.IndexOf($"buccal_r.embedding_{channel}")].ShouldBe(pixels.AsSpan(channel * plane, plane).ToArray().Average(), 0.0005f);
        vector[names.IndexOf("frontal.embedding_0")].ShouldBe(0f);
    }

    [Fact]
    public async Task Model_zip_stores_the_onnx_model_and_the_loaded_suggester_answers_as_the_trained_one()
    {
        var path = Path.Combine(_work, "model.zip");
        fixture.Bundle.Save(path);

        var loaded = ModelBundle.Load(path);
        using var embedder = loaded.Embedder;

        using (var zip = ZipFile.OpenRead(path))
        {
            zip.GetEntry(ModelBundle.EmbeddingEntry).ShouldNotBeNull().Length.ShouldBe(new FileInfo(fixture.ModelPath).Length);
            // Prediction needs no file beside model.zip: the layout names the graph's nodes, not a path.
            using var features = new StreamReader(zip.GetEntry(ModelBundle.FeaturesEntry)!.Open());
            features.ReadToEnd().ShouldNotContain(Path.GetFileName(fixture.ModelPath));
        }
        loaded.Layout.Embedding.ShouldBe(fixture.Bundle.Layout.Embedding);
        embedder.ShouldNotBeNull().ModelBytes.ShouldBe(fixture.Embedder.ModelBytes);
        var trained = new MlNetSuggester(fixture.Bundle, SyntheticDataset.Taxonomy);
        var restored = new MlNetSuggester(loaded, SyntheticDataset.Taxonomy);
        var random = new Random(21);
        foreach (var request in Enumerable.Range(0, 6).Select(_ => Request(SyntheticDataset.DrawLabels(random), random)))
        {
            var expected = await trained.SuggestAsync(request, CancellationToken.None);
            var actual = await restored.SuggestAsync(request, CancellationToken.None);
            actual.ShouldNotBeNull().Values.Select(v => v.Attribute).ShouldBe(["overall_tracking", "aligner_fit", "oral_hygiene"]);
            actual.Values.ShouldBe(expected.ShouldNotBeNull().Values);
        }
    }

    [Fact]
    public async Task The_loaded_suggester_feeds_the_models_the_embedding_training_computed_for_the_same_photos()
    {
        // The channel means duplicate the photo statistics, so trees trained on both may never split on the embedding;
        // here they see the embedding alone (statistics zeroed), so a suggester that dropped it would answer otherwise.
        var names = fixture.Bundle.Layout.Names.ToList();
        var statistics = names.Select((n, i) => (n, i)).Where(x => ImageFeatures.Names.Any(f => x.n.EndsWith("." + f, StringComparison.Ordinal))).Select(x => x.i).ToArray();
        var embeddingOnly = fixture.Featured with
        {
            Sessions = [.. fixture.Featured.Sessions.Select(s => s with { Features = Zeroed(s.Features, statistics) })],
        };
        var path = Path.Combine(_work, "model.zip");
        ModelTrainer.Train(embeddingOnly, fixture.Dataset.Attributes, fixture.Dataset.TaxonomyVersion, new TrainingOptions(Seed: 3, Iterations: 40)).Save(path);
        var loaded = ModelBundle.Load(path);
        using var embedder = loaded.Embedder;
        var suggester = new MlNetSuggester(loaded, SyntheticDataset.Taxonomy);
        var engines = loaded.Models.ToDictionary(m => m.Key, m => loaded.Context.Model.CreatePredictionEngine<ScoreInput, ScoreOutput>(
            m.Value, inputSchemaDefinition: ScoreInput.Schema(loaded.Layout)));
        var embeddingAt = names.Select((n, i) => (n, i)).Where(x => x.n.Contains(".embedding_", StringComparison.Ordinal)).Select(x => x.i).ToArray();
        var embeddingMatters = false;

        foreach (var session in fixture.Dataset.Sessions.Where(s => s.ImagePaths.Count > 0).Take(40))
        {
            var training = (fixture.Dataset with { Sessions = [session] }).Featurize(loaded.Layout, embedder: embedder).Sessions.Single().Features;
            var request = new SuggestionRequest(
                session.ImagePaths.Select(p => new SuggestionImage(TrainingDataset.ViewOf(p, session.ExportSessionId),
                    File.ReadAllBytes(Path.Combine(fixture.DatasetRoot, p)), "image/jpeg")).ToArray(),
                new SuggestionContext(session.Context.StageFraction, session.Context.DaysSinceLastScan, session.Context.PreviousScores));

            var suggested = (await suggester.SuggestAsync(request, CancellationToken.None)).ShouldNotBeNull().Values;

            var withoutEmbedding = Zeroed(training, embeddingAt);
            foreach (var (attribute, engine) in engines)
            {
                var expected = engine.Predict(new ScoreInput { Features = training });
                var value = suggested.Single(v => v.Attribute == attribute);
                value.Value.ShouldBe(expected.PredictedLabel);
                value.Confidence.ShouldBe(expected.Score.Max(), 1e-5f);
                embeddingMatters |= Math.Abs(engine.Predict(new ScoreInput { Features = withoutEmbedding }).Score.Max() - expected.Score.Max()) > 1e-4;
            }
        }
        // Otherwise the comparison above would pass for a suggester that drops the embedding.
        embeddingMatters.ShouldBeTrue();
    }

    [Fact]
    public void A_model_zip_whose_layout_has_an_embedding_but_no_onnx_entry_is_not_a_model()
    {
        var path = Path.Combine(_work, "model.zip");
        fixture.Bundle.Save(path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update)) zip.GetEntry(ModelBundle.EmbeddingEntry)!.Delete();

        Should.Throw<InvalidDataException>(() => ModelBundle.Load(path)).Message.ShouldContain("has no embedding.onnx");
    }

    [Fact]
    public void A_layout_with_an_embedding_is_not_featurized_without_its_model()
    {
        Should.Throw<ArgumentException>(() => fixture.Dataset.Featurize(fixture.Bundle.Layout));
    }

    [Fact]
    public void Cli_trains_with_an_onnx_embedding_and_evaluates_the_model_it_wrote()
    {
        var model = Path.Combine(_work, "model.zip");
        var anySize = Path.Combine(_work, "channel-means-any-size.onnx");
        File.WriteAllBytes(anySize, TinyOnnx.ChannelMeans());

        var (trainExit, output, trainError) = Run("train", "--dataset", fixture.DatasetRoot, "--out", model,
            "--onnx-embedding", anySize, "--onnx-input", TinyOnnx.Input, "--onnx-output", TinyOnnx.Output, "--onnx-size", "16");
        var (evaluateExit, _, evaluateError) = Run("evaluate", "--dataset", fixture.DatasetRoot, "--model", model);

        trainError.ShouldBeEmpty();
        trainExit.ShouldBe(0);
        output.ShouldContain($"ONNX embedding: '{TinyOnnx.Input}' [1, 3, 16, 16] -> '{TinyOnnx.Output}', 3 numbers per view");
        evaluateError.ShouldBeEmpty();
        evaluateExit.ShouldBe(0);
        var loaded = ModelBundle.Load(model);
        using var embedder = loaded.Embedder;
        loaded.Layout.Embedding.ShouldBe(new OnnxEmbeddingSpec(TinyOnnx.Input, TinyOnnx.Output, 16, 3));
    }

    [Fact]
    public void Cli_answers_exit_2_for_a_missing_onnx_file()
    {
        var missing = Path.Combine(_work, "nowhere.onnx");

        var (exitCode, _, error) = Run("train", "--dataset", fixture.DatasetRoot, "--out", Path.Combine(_work, "model.zip"), "--onnx-embedding", missing);

        exitCode.ShouldBe(2);
        error.ShouldContain($"The ONNX embedding model '{missing}' does not exist.");
        File.Exists(Path.Combine(_work, "model.zip")).ShouldBeFalse();
    }

    [Fact]
    public void Cli_answers_exit_2_for_a_file_that_is_no_onnx_model()
    {
        var garbage = Path.Combine(_work, "photo.onnx");
        File.WriteAllBytes(garbage, "not a protobuf at all"u8.ToArray());

        var (exitCode, _, error) = Run("train", "--dataset", fixture.DatasetRoot, "--out", Path.Combine(_work, "model.zip"), "--onnx-embedding", garbage);

        exitCode.ShouldBe(2);
        error.ShouldContain($"'{garbage}' is not an ONNX model this runtime can load");
    }

    [Theory]
    [InlineData("--onnx-input", "image", "has no input 'image'; its inputs are: pixels.")]
    [InlineData("--onnx-output", "logits", "has no output 'logits'; its outputs are: channel_means.")]
    public void Cli_answers_exit_2_for_a_node_the_model_lacks(string option, string value, string message)
    {
        var (exitCode, _, error) = Run("train", "--dataset", fixture.DatasetRoot, "--out", Path.Combine(_work, "model.zip"),
            "--onnx-embedding", fixture.ModelPath, option, value);

        exitCode.ShouldBe(2);
        error.ShouldContain(message);
    }

    [Fact]
    public void Cli_answers_exit_2_for_a_size_the_model_does_not_take()
    {
        var (exitCode, _, error) = Run("train", "--dataset", fixture.DatasetRoot, "--out", Path.Combine(_work, "model.zip"),
            "--onnx-embedding", fixture.ModelPath, "--onnx-size", "16");

        exitCode.ShouldBe(2);
        error.ShouldContain($"The ONNX input '{TinyOnnx.Input}' takes [1, 3, 32, 32]; --onnx-size 16 does not fit it.");
    }

    [Fact]
    public void Cli_answers_exit_2_for_onnx_options_without_a_model()
    {
        var (exitCode, _, error) = Run("train", "--dataset", fixture.DatasetRoot, "--out", Path.Combine(_work, "model.zip"), "--onnx-size", "64");

        exitCode.ShouldBe(2);
        error.ShouldContain("only go with --onnx-embedding");
    }

    private static float[] Zeroed(float[] features, int[] at)
    {
        var copy = (float[])features.Clone();
        foreach (var i in at) copy[i] = 0;
        return copy;
    }

    private static byte[] Solid(int red, int green, int blue)
    {
        using var black = Image.Black(50, 30, bands: 3);
        using var solid = (black + new double[] { red, green, blue }).Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);
        return solid.PngsaveBuffer();
    }

    private static SuggestionRequest Request(IReadOnlyDictionary<string, string> labels, Random random) => new(
        FiveViews.Select(v => new SuggestionImage(v, SyntheticDataset.Photo(labels, random, 160, 120), "image/jpeg")).ToArray(),
        new SuggestionContext(0.3, 12, new Dictionary<string, string> { ["overall_tracking"] = "1" }));

    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = OrthoScan.Ml.Cli.Cli.Run(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }
}
