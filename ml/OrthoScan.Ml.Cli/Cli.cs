using System.CommandLine;
using OrthoScan.Ml.Models;
using Spectre.Console;

namespace OrthoScan.Ml.Cli;

/// <summary>
/// orthoscan-ml: train, evaluate and inspect on an unpacked dataset export, and the training/latency benchmark.
/// Exit codes: 0 done, 2 bad input (the message says what), 1 anything unexpected.
/// </summary>
public static class Cli
{
    public const int Ok = 0;
    public const int BadInput = 2;

    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Interactive = output == Console.Out ? InteractionSupport.Detect : InteractionSupport.No,
            Ansi = output == Console.Out ? AnsiSupport.Detect : AnsiSupport.No,
        });

        var root = new RootCommand("OrthoScan ML: train and evaluate tag-suggestion models on exported datasets.")
        {
            Commands.Train(console, error),
            Commands.Evaluate(console, error),
            Commands.Inspect(console, error),
            Commands.Bench(console, error),
            Commands.Synthetic(console, error),
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors) error.WriteLine(parseError.Message);
            error.WriteLine("Run with --help for the options.");
            return BadInput;
        }
        return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }

    /// <summary>Runs a command's work, turning what the user can fix (a missing or malformed dataset or model) into exit code 2.</summary>
    internal static int Guard(TextWriter error, Func<int> work)
    {
        try
        {
            return work();
        }
        catch (Exception e) when (e is DatasetFormatException or InvalidDataException or FileNotFoundException or DirectoryNotFoundException)
        {
            error.WriteLine(e.Message);
            return BadInput;
        }
    }
}
