using System.Reflection;
using ArchUnitNET.Loader;
using ArchitectureModel = ArchUnitNET.Domain.Architecture;

namespace OrthoScan.Architecture.Tests;

/// <summary>The code under test: the API assembly as ArchUnitNET reads it (loaded once), and the checkout it was built from.</summary>
public static class Codebase
{
    public static Assembly Api { get; } = typeof(Program).Assembly;

    private static readonly Lazy<ArchitectureModel> LoadedApi = new(() => new ArchLoader().LoadAssemblies(Api).Build());

    public static ArchitectureModel ApiArchitecture => LoadedApi.Value;

    /// <summary>The folder holding OrthoScan.sln, found upwards from the test binaries.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string ApiSource => Path.Combine(RepoRoot, "src", "OrthoScan.Api");

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrthoScan.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"OrthoScan.sln not found above {AppContext.BaseDirectory}.");
    }
}
