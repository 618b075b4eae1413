using System.Text.Json;
using OrthoScan.Ml.Models;
using OrthoScan.Ml.Tests.Models;

namespace OrthoScan.Ml.Tests.Cli;

/// <summary>orthoscan-ml run in process on the shared synthetic dataset: exit codes, files written, messages.</summary>
[Collection(SyntheticModelCollection.Name)]
public sealed class CliTests(SyntheticDatasetFixture fixture) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("orthoscan-ml-cli-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public void Train_then_evaluate_exit_0_and_write_the_model_and_the_metrics_beside_the_baseline()
    {
        var model = Path.Combine(_work, "model.zip");
        var metrics = Path.Combine(_work, "metrics.md");

        Run("train", "--dataset", fixture.Root, "--out", model, "--seed", "2").ExitCode.ShouldBe(0);
        var (exitCode, output, _) = Run("evaluate", "--dataset", fixture.Root, "--model", model, "--out", metrics);

        exitCode.ShouldBe(0);
        output.ShouldContain("aligner_fit");
        ModelBundle.Load(model).Models.Count.ShouldBe(3);
        var markdown = File.ReadAllText(metrics);
        markdown.ShouldContain("| score | test rows | accuracy | macro-F1 | baseline accuracy | baseline macro-F1 |");
        markdown.ShouldContain("## aligner_fit: confusion (rows true, columns predicted)");
        markdown.ShouldContain("| true \\ predicted | 1 | 2 | 3 | not_applicable |");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(metrics, ".json")));
        json.RootElement.EnumerateArray().Select(e => e.GetProperty("attribute").GetString()).ShouldBe(["overall_tracking", "aligner_fit", "oral_hygiene"]);
        json.RootElement[0].GetProperty("macroF1").GetDouble().ShouldBeGreaterThan(json.RootElement[0].GetProperty("baselineMacroF1").GetDouble());
    }

    [Fact]
    public void Inspect_prints_the_counts_and_the_label_distribution()
    {
        var (exitCode, output, _) = Run("inspect", "--dataset", fixture.Root);

        exitCode.ShouldBe(0);
        output.ShouldContain($"{SyntheticDatasetFixture.Sessions} labelled sessions");
        output.ShouldContain("not_applicable");
    }

    [Fact]
    public void A_folder_without_a_dataset_exits_2_and_says_why()
    {
        var (exitCode, _, error) = Run("train", "--dataset", _work, "--out", Path.Combine(_work, "model.zip"));

        exitCode.ShouldBe(2);
        error.ShouldContain("has no tagsets.csv");
    }

    [Fact]
    public void A_tagsets_file_without_the_dataset_columns_exits_2()
    {
        File.WriteAllText(Path.Combine(_work, "tagsets.csv"), "name,email\nAda,ada@example.com\n");

        var (exitCode, _, error) = Run("inspect", "--dataset", _work);

        exitCode.ShouldBe(2);
        error.ShouldContain("lacks the column(s) export_session_id");
    }

    [Fact]
    public void A_file_that_is_no_model_exits_2()
    {
        var notAModel = Path.Combine(_work, "model.zip");
        File.WriteAllText(notAModel, "not a zip");

        var (exitCode, _, error) = Run("evaluate", "--dataset", fixture.Root, "--model", notAModel);

        exitCode.ShouldBe(2);
        error.ShouldNotBeEmpty();
    }

    [Theory]
    [InlineData("train", "--out", "model.zip")]
    [InlineData("train", "--dataset", ".", "--out", "model.zip", "--trainer", "xgboost")]
    [InlineData("frobnicate")]
    public void Missing_or_wrong_options_exit_2(params string[] args)
    {
        var (exitCode, _, error) = Run(args);

        exitCode.ShouldBe(2);
        error.ShouldContain("--help");
    }

    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = OrthoScan.Ml.Cli.Cli.Run(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }
}
