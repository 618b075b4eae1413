using Shouldly;

namespace OrthoScan.Architecture.Tests;

/// <summary>
/// <see cref="MlDependencyRule"/> on this checkout (it applies to every project under ml/ as soon as one exists), and
/// on small fixture projects that show it catches what it must and lets the rest pass.
/// </summary>
public sealed class MlDependencyTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "orthoscan-ml-rule-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void No_project_under_ml_references_EF_Core_ASP_NET_Core_Npgsql_or_the_Api()
    {
        var violations = MlDependencyRule.Violations(Codebase.RepoRoot);

        violations.ShouldBeEmpty(string.Join('\n', violations));
    }

    [Fact]
    public void The_rule_catches_each_forbidden_reference_of_a_project_under_ml()
    {
        var api = Path.Combine(Codebase.ApiSource, "OrthoScan.Api.csproj");
        Project("ml/OrthoScan.Ml/OrthoScan.Ml.csproj", "Microsoft.NET.Sdk.Web", $"""
            <PackageReference Include="Microsoft.ML" Version="5.0.1" />
            <PackageReference Include="Microsoft.EntityFrameworkCore" Version="10.0.15" />
            <PackageReference Include="Npgsql" Version="10.0.0" />
            <ProjectReference Include="{api}" />
            """);
        Project("ml/OrthoScan.Ml.Cli/OrthoScan.Ml.Cli.csproj", "Microsoft.NET.Sdk", """
            <FrameworkReference Include="Microsoft.AspNetCore.App" />
            """);

        var violations = MlDependencyRule.Violations(_root);

        violations.ShouldBe([
            "ml/OrthoScan.Ml.Cli/OrthoScan.Ml.Cli.csproj: FrameworkReference Microsoft.AspNetCore.App",
            "ml/OrthoScan.Ml/OrthoScan.Ml.csproj: PackageReference Microsoft.EntityFrameworkCore",
            "ml/OrthoScan.Ml/OrthoScan.Ml.csproj: PackageReference Npgsql",
            $"ml/OrthoScan.Ml/OrthoScan.Ml.csproj: ProjectReference {api}",
            "ml/OrthoScan.Ml/OrthoScan.Ml.csproj: FrameworkReference Microsoft.AspNetCore.App",
        ], ignoreOrder: true);
    }

    [Fact]
    public void The_rule_catches_a_forbidden_package_that_comes_in_transitively_once_restored()
    {
        var csproj = Project("ml/OrthoScan.Ml/OrthoScan.Ml.csproj", "Microsoft.NET.Sdk", """<PackageReference Include="Some.Reporting" Version="1.0.0" />""");
        var assets = Path.Combine(Path.GetDirectoryName(csproj)!, "obj", "project.assets.json");
        Directory.CreateDirectory(Path.GetDirectoryName(assets)!);
        File.WriteAllText(assets, """{ "libraries": { "Some.Reporting/1.0.0": { "type": "package" }, "Npgsql/10.0.0": { "type": "package" } } }""");

        MlDependencyRule.Violations(_root).ShouldBe(["ml/OrthoScan.Ml/OrthoScan.Ml.csproj: restored dependency Npgsql/10.0.0"]);
    }

    [Fact]
    public void The_rule_reads_the_references_of_a_built_assembly()
    {
        // The Api's own assembly stands in for a built ML assembly that references EF Core, ASP.NET Core and Npgsql.
        var csproj = Project("ml/OrthoScan.Ml/OrthoScan.Ml.csproj", "Microsoft.NET.Sdk", "");
        var built = Path.Combine(Path.GetDirectoryName(csproj)!, "bin", "Debug", "net10.0", "OrthoScan.Ml.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(built)!);
        File.Copy(Codebase.Api.Location, built);

        var violations = MlDependencyRule.Violations(_root);

        violations.ShouldContain(v => v.EndsWith("references Microsoft.EntityFrameworkCore", StringComparison.Ordinal));
        violations.ShouldContain(v => v.EndsWith("references Npgsql", StringComparison.Ordinal));
        violations.ShouldContain(v => v.Contains("references Microsoft.AspNetCore.", StringComparison.Ordinal));
    }

    [Fact]
    public void The_rule_lets_an_ML_project_with_ML_dependencies_pass()
    {
        Project("ml/OrthoScan.Ml/OrthoScan.Ml.csproj", "Microsoft.NET.Sdk", """
            <PackageReference Include="Microsoft.ML" Version="5.0.1" />
            <PackageReference Include="Microsoft.ML.LightGbm" Version="5.0.1" />
            <PackageReference Include="CsvHelper" Version="34.0.0" />
            """);
        Project("ml/OrthoScan.Ml.Cli/OrthoScan.Ml.Cli.csproj", "Microsoft.NET.Sdk", """
            <ProjectReference Include="../OrthoScan.Ml/OrthoScan.Ml.csproj" />
            <PackageReference Include="System.CommandLine" Version="3.0.0" />
            """);

        MlDependencyRule.Violations(_root).ShouldBeEmpty();
    }

    private string Project(string path, string sdk, string items)
    {
        var file = Path.Combine(_root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, $"""
            <Project Sdk="{sdk}">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
              <ItemGroup>
            {items}
              </ItemGroup>
            </Project>
            """);
        return file;
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
