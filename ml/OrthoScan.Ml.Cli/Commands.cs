using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using OrthoScan.Ml.Datasets;
using OrthoScan.Ml.Features;
using OrthoScan.Ml.Models;
using OrthoScan.Ml.Suggestions;
using Spectre.Console;

namespace OrthoScan.Ml.Cli;

/// <summary>The subcommands: options first, then what each does.</summary>
internal static class Commands
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private static Option<DirectoryInfo> DatasetOption() => new("--dataset") { Description = "The unpacked dataset export (the folder holding tagsets.csv).", Required = true };

    public static Command Train(IAnsiConsole console, TextWriter error)
    {
        var dataset = DatasetOption();
        var output = new Option<FileInfo>("--out") { Description = "Where to write model.zip.", Required = true };
        var seed = new Option<int>("--seed") { Description = "Random seed of the trainers.", DefaultValueFactory = _ => 1 };
        var trainer = new Option<string>("--trainer") { Description = "lightgbm or fasttree.", DefaultValueFactory = _ => "lightgbm" };
        trainer.AcceptOnlyFromAmong("lightgbm", "fasttree");
        var onnx = new Option<FileInfo?>("--onnx-embedding")
        {
            Description = "An ONNX image-embedding model: each photo, squashed to --onnx-size square, RGB 0..1 as a [1, 3, size, size] tensor, "
                + "adds the model's output vector to its view's features. model.zip stores the model.",
        };
        var onnxInput = new Option<string?>("--onnx-input") { Description = "The graph input to feed (default: its only input)." };
        var onnxOutput = new Option<string?>("--onnx-output") { Description = "The graph output to use as the embedding (default: its only output)." };
        var onnxSize = new Option<int?>("--onnx-size") { Description = "The square side photos are resized to (default: the model's fixed input size, else 224)." };
        var command = new Command("train", "Train one model per score on the train split and evaluate it on the test split.")
        {
            dataset, output, seed, trainer, onnx, onnxInput, onnxOutput, onnxSize,
        };
        command.SetAction(parsed => Cli.Guard(error, () =>
        {
            var options = new TrainingOptions(Seed: parsed.GetValue(seed), Trainer: parsed.GetValue(trainer) == "fasttree" ? TrainerKind.FastTree : TrainerKind.LightGbm);
            var data = TrainingDataset.Load(parsed.GetRequiredValue(dataset).FullName);
            if (parsed.GetValue(onnx) is null && (parsed.GetValue(onnxInput) ?? parsed.GetValue(onnxOutput) ?? (object?)parsed.GetValue(onnxSize)) is not null)
                throw new OnnxEmbeddingException("--onnx-input, --onnx-output and --onnx-size only go with --onnx-embedding.");
            using var embedder = parsed.GetValue(onnx) is { } model
                ? OnnxImageEmbedder.Open(model.FullName, parsed.GetValue(onnxInput), parsed.GetValue(onnxOutput), parsed.GetValue(onnxSize))
                : null;
            if (embedder is not null)
                console.WriteLine($"ONNX embedding: '{embedder.Spec.InputName}' [1, 3, {embedder.Spec.Size}, {embedder.Spec.Size}] -> '{embedder.Spec.OutputName}', {embedder.Spec.Length} numbers per view");
            ModelBundle? bundle = null;
            var featured = Featurize(console, data, FeatureLayout.For(data.Attributes, embedder?.Spec), embedder);
            console.Progress().Start(progress =>
            {
                var task = progress.AddTask("Training", maxValue: data.Attributes.Count);
                bundle = ModelTrainer.Train(featured, data.Attributes, data.TaxonomyVersion, options,
                    new Progress<TrainingStep>(s => { task.Value = s.Done; task.Description = "Training " + s.Attribute; }));
                task.Value = task.MaxValue;
            });
            var path = parsed.GetRequiredValue(output).FullName;
            bundle!.Save(path);
            console.WriteLine($"Trained {bundle.Card.Name} {bundle.Card.Version} on {bundle.Card.TrainingTagSets} tag sets; wrote {path}");
            WriteTable(console, bundle.Card.Evaluation);
            return Cli.Ok;
        }));
        return command;
    }

    public static Command Evaluate(IAnsiConsole console, TextWriter error)
    {
        var dataset = DatasetOption();
        var model = new Option<FileInfo>("--model") { Description = "The model.zip to evaluate.", Required = true };
        var output = new Option<FileInfo?>("--out") { Description = "Write the metrics as markdown here, and as JSON beside it (.json)." };
        var command = new Command("evaluate", "Accuracy, macro-F1 and confusion matrices on the test split, beside the majority-class baseline.") { dataset, model, output };
        command.SetAction(parsed => Cli.Guard(error, () =>
        {
            var bundle = ModelBundle.Load(parsed.GetRequiredValue(model).FullName);
            var data = TrainingDataset.Load(parsed.GetRequiredValue(dataset).FullName);
            using var embedder = bundle.Embedder;
            var evaluation = ModelTrainer.Evaluate(bundle, Featurize(console, data, bundle.Layout, bundle.Embedder).Sessions);
            var markdown = Markdown(bundle.Card, evaluation);
            if (parsed.GetValue(output) is { } file)
            {
                File.WriteAllText(file.FullName, markdown);
                File.WriteAllText(Path.ChangeExtension(file.FullName, ".json"), JsonSerializer.Serialize(evaluation, Json));
                console.WriteLine($"Wrote {file.FullName} and {Path.ChangeExtension(file.FullName, ".json")}");
            }
            WriteTable(console, evaluation);
            return Cli.Ok;
        }));
        return command;
    }

    public static Command Inspect(IAnsiConsole console, TextWriter error)
    {
        var dataset = DatasetOption();
        var command = new Command("inspect", "Counts per split and the label distribution of each score.") { dataset };
        command.SetAction(parsed => Cli.Guard(error, () =>
        {
            var data = TrainingDataset.Load(parsed.GetRequiredValue(dataset).FullName);
            console.WriteLine($"Taxonomy {data.TaxonomyVersion}; {data.Sessions.Count} labelled sessions (review_order 1); "
                + $"{data.Sessions.Sum(s => s.ImagePaths.Count)} images");
            var splits = new Table().AddColumns("split", "sessions");
            foreach (var split in DatasetLayout.Splits) splits.AddRow(split, data.Sessions.Count(s => s.Split == split).ToString(CultureInfo.InvariantCulture));
            console.Write(splits);
            var labels = new Table().AddColumns("score", "value", "sessions", "share");
            foreach (var attribute in data.Attributes)
            {
                var values = data.Sessions.Where(s => s.Labels.ContainsKey(attribute)).Select(s => s.Labels[attribute]).ToArray();
                foreach (var value in ScoreMetrics.Order(values))
                {
                    var count = values.Count(v => v == value);
                    labels.AddRow(attribute, value, count.ToString(CultureInfo.InvariantCulture), ((double)count / values.Length).ToString("P1", CultureInfo.InvariantCulture));
                }
            }
            console.Write(labels);
            return Cli.Ok;
        }));
        return command;
    }

    public static Command Bench(IAnsiConsole console, TextWriter error)
    {
        var sessions = new Option<int>("--tag-sets") { Description = "Synthetic tag sets to train on (features precomputed from a pool of photos).", DefaultValueFactory = _ => 100_000 };
        var calls = new Option<int>("--calls") { Description = "Suggestion calls to time (one session of five 1600x1200 photos each).", DefaultValueFactory = _ => 500 };
        var trainer = new Option<string>("--trainer") { Description = "lightgbm or fasttree.", DefaultValueFactory = _ => "lightgbm" };
        trainer.AcceptOnlyFromAmong("lightgbm", "fasttree");
        var command = new Command("bench", "Training time on synthetic tag sets and MlNetSuggester latency per session (docs/performance.md).") { sessions, calls, trainer };
        command.SetAction(parsed => Cli.Guard(error, () =>
        {
            var count = parsed.GetValue(sessions);
            if (count < 100) throw new DatasetFormatException("--tag-sets must be at least 100.");
            var featured = SyntheticDataset.Featured(count, seed: 7);
            var attributes = SyntheticDataset.Taxonomy.Scores.Select(s => s.Attribute).ToArray();
            var options = new TrainingOptions(Trainer: parsed.GetValue(trainer) == "fasttree" ? TrainerKind.FastTree : TrainerKind.LightGbm);
            var clock = Stopwatch.StartNew();
            var bundle = ModelTrainer.Train(featured, attributes, SyntheticDataset.Taxonomy.Version, options);
            var training = clock.Elapsed;
            console.WriteLine($"Training on {featured.Sessions.Count(s => s.Split == DatasetLayout.Train):N0} train-split tag sets of {count:N0} "
                + $"({attributes.Length} scores, {options.Trainer}): {training.TotalSeconds:0.0} s");

            var suggester = new MlNetSuggester(bundle, SyntheticDataset.Taxonomy);
            var random = new Random(11);
            string[] views = ["frontal", .. SyntheticDataset.Views];
            var requests = Enumerable.Range(0, 8).Select(_ => new SuggestionRequest(
                views.Select(v => new SuggestionImage(v, SyntheticDataset.Photo(SyntheticDataset.DrawLabels(random), random, 1600, 1200), "image/jpeg")).ToArray(),
                new SuggestionContext(0.4, 14, SyntheticDataset.DrawLabels(random)))).ToArray();
            for (var i = 0; i < 20; i++) suggester.SuggestAsync(requests[i % requests.Length], CancellationToken.None).GetAwaiter().GetResult();
            // The baseline, timed alternately with the suggester on the same sessions: reading the five photos' features
            // alone, the part of a suggestion that no model can skip.
            var latencies = new double[parsed.GetValue(calls)];
            var baseline = new double[latencies.Length];
            for (var i = 0; i < latencies.Length; i++)
            {
                var request = requests[i % requests.Length];
                var started = Stopwatch.GetTimestamp();
                foreach (var image in request.Images) ImageFeatures.From(image.Bytes);
                baseline[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                started = Stopwatch.GetTimestamp();
                suggester.SuggestAsync(request, CancellationToken.None).GetAwaiter().GetResult();
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
            Array.Sort(latencies);
            Array.Sort(baseline);
            static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
            console.WriteLine($"MlNetSuggester, one caller, {latencies.Length} sessions of 5 photos 1600x1200: "
                + $"p50 {Percentile(latencies, 0.50):0.0} ms, p95 {Percentile(latencies, 0.95):0.0} ms, p99 {Percentile(latencies, 0.99):0.0} ms");
            console.WriteLine($"Baseline, the same photos' features alone: "
                + $"p50 {Percentile(baseline, 0.50):0.0} ms, p95 {Percentile(baseline, 0.95):0.0} ms, p99 {Percentile(baseline, 0.99):0.0} ms; "
                + $"suggestion / baseline at p99: {Percentile(latencies, 0.99) / Percentile(baseline, 0.99):0.00}x");
            return Cli.Ok;
        }));
        return command;
    }

    public static Command Synthetic(IAnsiConsole console, TextWriter error)
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "The folder to write the made-up dataset into.", Required = true };
        var sessions = new Option<int>("--sessions") { Description = "How many sessions.", DefaultValueFactory = _ => 500 };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 42 };
        var command = new Command("synthetic", "Write a made-up dataset with a planted signal, in the export's layout, to try the other commands on.") { output, sessions, seed };
        command.SetAction(parsed => Cli.Guard(error, () =>
        {
            var root = parsed.GetRequiredValue(output).FullName;
            SyntheticDataset.Write(root, parsed.GetValue(sessions), parsed.GetValue(seed));
            console.WriteLine($"Wrote {parsed.GetValue(sessions)} made-up sessions into {root}");
            return Cli.Ok;
        }));
        return command;
    }

    private static FeaturedSessions Featurize(IAnsiConsole console, TrainingDataset data, FeatureLayout layout, OnnxImageEmbedder? embedder = null)
    {
        FeaturedSessions? featured = null;
        console.Progress().Start(progress =>
        {
            var task = progress.AddTask("Image features", maxValue: Math.Max(1, data.Sessions.Count));
            featured = data.Featurize(layout, new Progress<int>(done => task.Value = Math.Max(task.Value, done)), embedder: embedder);
            task.Value = task.MaxValue;
        });
        if (featured!.UnreadableImages > 0) console.WriteLine($"{featured.UnreadableImages} image(s) missing or unreadable: counted as missing views.");
        return featured;
    }

    private static void WriteTable(IAnsiConsole console, IReadOnlyList<AttributeEvaluation> evaluation)
    {
        var table = new Table().AddColumns("score", "test rows", "accuracy", "macro-F1", "baseline accuracy", "baseline macro-F1");
        foreach (var e in evaluation)
            table.AddRow(e.Attribute, e.TestRows.ToString(CultureInfo.InvariantCulture), F(e.Accuracy), F(e.MacroF1), F(e.BaselineAccuracy), F(e.BaselineMacroF1));
        console.Write(table);
    }

    internal static string Markdown(ModelCard card, IReadOnlyList<AttributeEvaluation> evaluation)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# {card.Name} {card.Version}: test split");
        md.AppendLine();
        md.Append(CultureInfo.InvariantCulture, $"Trained {card.TrainedAt:yyyy-MM-dd HH:mm} UTC on {card.TrainingTagSets} tag sets, taxonomy {card.TaxonomyVersion}. ")
            .AppendLine("The baseline always predicts the most frequent value of the train split.");
        md.AppendLine();
        md.AppendLine("| score | test rows | accuracy | macro-F1 | baseline accuracy | baseline macro-F1 |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var e in evaluation)
            md.AppendLine(CultureInfo.InvariantCulture, $"| {e.Attribute} | {e.TestRows} | {F(e.Accuracy)} | {F(e.MacroF1)} | {F(e.BaselineAccuracy)} | {F(e.BaselineMacroF1)} |");
        foreach (var e in evaluation)
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"## {e.Attribute}: confusion (rows true, columns predicted)");
            md.AppendLine();
            md.AppendLine("| true \\ predicted | " + string.Join(" | ", e.Labels) + " |");
            md.AppendLine("|---|" + string.Concat(e.Labels.Select(_ => "---:|")));
            for (var i = 0; i < e.Labels.Count; i++)
                md.AppendLine(CultureInfo.InvariantCulture, $"| {e.Labels[i]} | {string.Join(" | ", e.Confusion[i])} |");
        }
        return md.ToString();
    }

    private static string F(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
