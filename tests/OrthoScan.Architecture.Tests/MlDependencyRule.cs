using System.Diagnostics;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;

namespace OrthoScan.Architecture.Tests;

/// <summary>
/// The ML projects (every project under ml/) know nothing of the database or HTTP hosting: the Api feeds them rows and
/// images (DESIGN.md, "dependencies point one way: Api -> Ml"). A project breaks the rule when MSBuild evaluates it with
/// a package, framework or project reference to EF Core, ASP.NET Core, Npgsql or the Api (Directory.Build.props and
/// Sdk="Microsoft.NET.Sdk.Web" included); once restored, when any package in its closure is one of them; once built,
/// when its assembly references one of them.
/// </summary>
public static class MlDependencyRule
{
    private static readonly string[] ForbiddenPrefixes = ["Microsoft.EntityFrameworkCore", "EFCore.", "Npgsql", "Microsoft.AspNetCore"];
    private const string ApiName = "OrthoScan.Api";

    public static bool IsForbidden(string name) =>
        name.Equals(ApiName, StringComparison.OrdinalIgnoreCase)
        || ForbiddenPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>Every violation of every project under <c>{root}/ml</c>; none when there is no ml/ folder yet.</summary>
    public static IReadOnlyList<string> Violations(string root)
    {
        var ml = Path.Combine(root, "ml");
        if (!Directory.Exists(ml)) return [];
        return [.. Directory.EnumerateFiles(ml, "*.csproj", SearchOption.AllDirectories)
            .Where(p => !p.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal)
            .SelectMany(p => ProjectViolations(p).Select(v => $"{Path.GetRelativePath(root, p)}: {v}"))];
    }

    public static IEnumerable<string> ProjectViolations(string csproj)
    {
        var evaluated = Evaluate(csproj);
        foreach (var (kind, item) in evaluated.References)
        {
            var name = kind == "ProjectReference" ? Path.GetFileNameWithoutExtension(item) : item;
            if (IsForbidden(name)) yield return $"{kind} {item}";
        }

        if (File.Exists(evaluated.AssetsFile))
        {
            using var assets = JsonDocument.Parse(File.ReadAllText(evaluated.AssetsFile));
            foreach (var library in assets.RootElement.GetProperty("libraries").EnumerateObject())
            {
                if (IsForbidden(library.Name.Split('/')[0])) yield return $"restored dependency {library.Name}";
            }
        }

        var bin = Path.Combine(Path.GetDirectoryName(csproj)!, "bin");
        if (!Directory.Exists(bin)) yield break;
        foreach (var assembly in Directory.EnumerateFiles(bin, evaluated.AssemblyName + ".dll", SearchOption.AllDirectories))
        {
            foreach (var reference in ForbiddenAssemblyReferences(assembly))
                yield return $"{Path.GetRelativePath(Path.GetDirectoryName(csproj)!, assembly)} references {reference}";
        }
    }

    public static IEnumerable<string> ForbiddenAssemblyReferences(string assemblyPath)
    {
        using var file = File.OpenRead(assemblyPath);
        using var pe = new PEReader(file);
        var metadata = pe.GetMetadataReader();
        return [.. metadata.AssemblyReferences.Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name)).Where(IsForbidden)];
    }

    private sealed record Evaluated(IReadOnlyList<(string Kind, string Item)> References, string AssemblyName, string AssetsFile);

    /// <summary>The project as MSBuild sees it, imports and SDK defaults included (no restore, no build).</summary>
    private static Evaluated Evaluate(string csproj)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                "msbuild", csproj, "-nologo", "-nodeReuse:false",
                "-getItem:PackageReference", "-getItem:ProjectReference", "-getItem:FrameworkReference",
                "-getProperty:AssemblyName", "-getProperty:ProjectAssetsFile",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // The test host runs under `dotnet test`, whose MSBuild settings must not leak into a separate evaluation.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"dotnet msbuild could not evaluate {csproj} (exit {process.ExitCode}):\n{output}\n{error.Result}");

        using var json = JsonDocument.Parse(output);
        var items = json.RootElement.GetProperty("Items");
        var references = new List<(string, string)>();
        foreach (var kind in new[] { "PackageReference", "ProjectReference", "FrameworkReference" })
        {
            if (!items.TryGetProperty(kind, out var list)) continue;
            references.AddRange(list.EnumerateArray().Select(i => (kind, i.GetProperty("Identity").GetString()!)));
        }
        var properties = json.RootElement.GetProperty("Properties");
        return new Evaluated(references, properties.GetProperty("AssemblyName").GetString()!, properties.GetProperty("ProjectAssetsFile").GetString()!);
    }
}
