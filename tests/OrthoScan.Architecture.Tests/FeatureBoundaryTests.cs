using System.Text.RegularExpressions;
using ArchUnitNET.Domain;
using Shouldly;

namespace OrthoScan.Architecture.Tests;

/// <summary>
/// A feature area (<c>OrthoScan.Api.Features.&lt;Area&gt;</c>) does not reach into another area: what two areas share lives
/// in Infrastructure/ (or Domain/), so a slice can change without breaking a slice elsewhere. Checked twice: on the
/// compiled code (every dependency ArchUnitNET finds: signatures, bodies, attributes, generic arguments), and on the
/// source, because a constant of another area is copied into the IL as a plain value and leaves no trace there.
/// </summary>
public sealed partial class FeatureBoundaryTests
{
    private const string FeaturesNamespace = "OrthoScan.Api.Features.";

    /// <summary>What an area may use of another, deliberately. Keep it short: anything else two areas need moves out of Features/.</summary>
    private static readonly Allowed[] Exceptions = [];

    private sealed record Allowed(string FromArea, string Type, string Reason)
    {
        public bool Covers(string fromArea, string targetType) =>
            fromArea == FromArea && (targetType == Type || targetType.StartsWith(Type + "+", StringComparison.Ordinal));
    }

    [Fact]
    public void No_feature_area_uses_a_type_of_another_area_in_its_compiled_code()
    {
        var violations = Codebase.ApiArchitecture.Types
            .Where(t => AreaOf(t.Namespace.FullName) is not null)
            .SelectMany(t => t.Dependencies
                // ArchUnitNET 0.13 sometimes resolves a generic method's T to the T of an unrelated method of the same shape: not a real use.
                .Where(d => d.Target is not GenericParameter)
                .Where(d => AreaOf(d.Target.Namespace.FullName) is { } to && to != AreaOf(t.Namespace.FullName))
                .Where(d => !Exceptions.Any(e => e.Covers(AreaOf(t.Namespace.FullName)!, d.Target.FullName)))
                .Select(d => $"{t.FullName} uses {d.Target.FullName}"))
            .Distinct().Order(StringComparer.Ordinal).ToList();

        violations.ShouldBeEmpty(Report(violations));
    }

    [Fact]
    public void No_feature_area_names_a_type_of_another_area_in_its_source()
    {
        var typesByArea = Codebase.Api.GetTypes()
            .Where(t => !t.IsNested && !t.Name.Contains('<', StringComparison.Ordinal) && AreaOf(t.Namespace) is not null)
            .GroupBy(t => AreaOf(t.Namespace)!)
            .ToDictionary(g => g.Key, g => g.Select(t => t.Name.Split('`')[0]).ToHashSet(StringComparer.Ordinal));
        var featuresFolder = Path.Combine(Codebase.ApiSource, "Features");

        var violations = new List<string>();
        foreach (var file in Directory.EnumerateFiles(featuresFolder, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(Codebase.ApiSource, file);
            var code = WithoutCommentsAndStrings(File.ReadAllText(file));
            var area = FileNamespace().Match(code) is { Success: true } ns ? AreaOf(ns.Groups[1].Value) : null;
            if (area is null) continue;
            var own = typesByArea.GetValueOrDefault(area) ?? [];
            foreach (var (other, names) in typesByArea.Where(a => a.Key != area))
            {
                // Tagging.TagSession or OrthoScan.Api.Features.Tagging.TagSession anywhere; TagSession alone only where a using
                // directive brings the area in (elsewhere the name is a member of the file's own, like a PatientFeedback property).
                var qualified = new Regex($@"(?<![\w.])(?:OrthoScan\.Api\.Features\.)?{other}\.(\w+)");
                var imported = Regex.IsMatch(code, $@"using\s+OrthoScan\.Api\.Features\.{other}\s*;");
                var foreign = names.Where(n => !own.Contains(n)).ToList();
                var unqualified = !imported || foreign.Count == 0 ? null : new Regex($@"(?<![\w.])({string.Join('|', foreign)})\b");
                foreach (var match in qualified.Matches(code).Concat(unqualified?.Matches(code) ?? Enumerable.Empty<Match>()))
                {
                    var type = $"{FeaturesNamespace}{other}.{match.Groups[1].Value}";
                    if (Exceptions.Any(e => e.Covers(area, type))) continue;
                    violations.Add($"{relative}:{LineOf(code, match.Index)} uses {other}.{match.Groups[1].Value}");
                }
            }
        }

        violations = [.. violations.Distinct().Order(StringComparer.Ordinal)];
        violations.ShouldBeEmpty(Report(violations));
    }

    [Fact]
    public void Every_exception_names_an_existing_area_and_type_and_says_why()
    {
        var areas = Codebase.Api.GetTypes().Select(t => AreaOf(t.Namespace)).OfType<string>().ToHashSet();
        foreach (var exception in Exceptions)
        {
            areas.ShouldContain(exception.FromArea);
            Codebase.Api.GetType(exception.Type).ShouldNotBeNull($"{exception.Type} does not exist: drop or rename the exception");
            AreaOf(exception.Type).ShouldNotBe(exception.FromArea);
            exception.Reason.ShouldNotBeNullOrWhiteSpace();
        }
    }

    private static string? AreaOf(string? ns) =>
        ns is not null && ns.StartsWith(FeaturesNamespace, StringComparison.Ordinal) ? ns[FeaturesNamespace.Length..].Split('.')[0] : null;

    private static int LineOf(string code, int index) => code.AsSpan(0, index).Count('\n') + 1;

    private static string Report(IReadOnlyCollection<string> violations) =>
        "A feature area uses another area's types. Move what both need to Infrastructure/ (or Domain/), or, when the use is "
        + $"deliberate, add a named exception with its reason to {nameof(FeatureBoundaryTests)}.{nameof(Exceptions)}:\n"
        + string.Join('\n', violations);

    /// <summary>The code with comments and string literals blanked out (newlines kept, so line numbers stay right).</summary>
    private static string WithoutCommentsAndStrings(string source) =>
        CommentOrString().Replace(source, m => new string('\n', m.Value.Count(c => c == '\n')) + " ");

    [GeneratedRegex(@"(?s)"""""".*?""""""|@""(?:[^""]|"""")*""|""(?:[^""\\\n]|\\.)*""|'(?:[^'\\\n]|\\.)+'|//[^\n]*|/\*.*?\*/")]
    private static partial Regex CommentOrString();

    [GeneratedRegex(@"(?m)^namespace\s+([\w.]+)\s*;")]
    private static partial Regex FileNamespace();
}
