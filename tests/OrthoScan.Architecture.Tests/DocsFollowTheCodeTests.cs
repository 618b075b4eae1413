using System.Text.RegularExpressions;
using Shouldly;

namespace OrthoScan.Architecture.Tests;

/// <summary>
/// A reader of the architecture pages finds the code where they say: every path they write in code font exists, and
/// every type, member or migration name they write in code font appears in the sources. A rename that forgets the docs
/// fails here, naming the page and the stale name.
/// </summary>
public sealed partial class DocsFollowTheCodeTests
{
    public static TheoryData<string> Pages => new() { "docs/architecture.md", "src/OrthoScan.Dashboard/README.md" };

    /// <summary>Where a path in the docs may start: pages name code relative to the folder the paragraph is about.</summary>
    private static readonly string[] PathRoots =
    [
        "", "src/OrthoScan.Api", "src/OrthoScan.Api/Features", "src/OrthoScan.Api/Infrastructure", "src/OrthoScan.Dashboard",
        "src/OrthoScan.Dashboard/src", "tests/OrthoScan.Api.Tests", "tests", "docs", "ml/OrthoScan.Ml", "tests/OrthoScan.Ml.Tests",
    ];

    /// <summary>Folders a build or a run creates (git ignores them): a page may name them, a fresh checkout lacks them.</summary>
    private static readonly string[] Generated = [".local", "out", "wwwroot", "bin", "obj", "node_modules", ".next"];

    private static readonly string[] PathEndings =
        [".cs", ".ts", ".tsx", ".sh", ".md", ".json", ".mjs", ".props", ".sql", ".csproj", ".snap", "/"];

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_path_the_page_names_exists(string page)
    {
        var missing = CodeSpans(page)
            .Select(PathIn)
            .OfType<string>()
            .Distinct()
            .Where(path => !path.Split('/').Any(Generated.Contains))
            .Where(path => !PathRoots.Any(root => Exists(Path.Combine(Codebase.RepoRoot, root, path))))
            .ToList();

        missing.ShouldBeEmpty($"{page} names paths that are not in the repository");
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_type_member_or_migration_the_page_names_is_in_the_code(string page)
    {
        var known = SourceNames.Value;
        var missing = CodeSpans(page)
            .Select(NameIn)
            .OfType<string>()
            .Distinct()
            .Where(name => !Names(name, known))
            .ToList();

        missing.ShouldBeEmpty($"{page} names code that does not exist (renamed or removed?)");
    }

    [Fact]
    public void The_check_sees_the_names_of_the_page()
    {
        // Guards the guard: if the extraction broke, the tests above would pass on an empty list.
        var spans = CodeSpans("docs/architecture.md").ToList();
        spans.Select(PathIn).OfType<string>().ShouldContain("Infrastructure/Jobs/");
        spans.Select(NameIn).OfType<string>().ShouldContain("TenantScope");
        // Built here so that this file does not itself contain the word.
        Names(string.Concat("NoSuch", "TypeIn", "OrthoScan"), SourceNames.Value).ShouldBeFalse();
    }

    /// <summary>Every dotted part is a word of the code; a name cut short with "..." (a long test name) starts one.</summary>
    private static bool Names(string name, HashSet<string> known) =>
        name.EndsWith("...", StringComparison.Ordinal)
            ? known.Any(word => word.StartsWith(name[..^3], StringComparison.Ordinal))
            : name.Split('.').All(known.Contains);

    private static IEnumerable<string> CodeSpans(string page) =>
        CodeSpan().Matches(File.ReadAllText(Path.Combine(Codebase.RepoRoot, page))).Select(m => m.Groups[1].Value);

    /// <summary>A relative file or folder path (not a route, a glob or a template with placeholders), or null.</summary>
    private static string? PathIn(string span)
    {
        if (span.Contains(' ') || span.StartsWith('/') || span.IndexOfAny(['<', '*', '{', ':', '?', '=']) >= 0) return null;
        if (span.Contains('/') && PathEndings.Any(e => span.EndsWith(e, StringComparison.Ordinal))) return span;
        // "Jobs/DeadLetterTests": a test class named by its folder.
        return TestClass().IsMatch(span) ? span + ".cs" : null;
    }

    /// <summary>A PascalCase identifier, possibly dotted (Type.Member) or with a call's parentheses, or null.</summary>
    private static string? NameIn(string span)
    {
        var name = span.Split('(')[0];
        var cut = name.EndsWith("...", StringComparison.Ordinal);
        name = Regex.Replace(name.TrimEnd('.', ',', ';', ':'), "<[^>]*>$", "");
        return Identifier().IsMatch(name) ? (cut ? name + "..." : name) : null;
    }

    private static bool Exists(string path) => File.Exists(path) || Directory.Exists(path);

    /// <summary>Every PascalCase word in the C# and TypeScript sources, tests included, plus migration names.</summary>
    private static readonly Lazy<HashSet<string>> SourceNames = new(() =>
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        string[] folders = ["src/OrthoScan.Api", "src/OrthoScan.Dashboard/src", "tests/OrthoScan.Api.Tests", "tests/OrthoScan.Architecture.Tests", "ml", "tests/OrthoScan.Ml.Tests"];
        foreach (var folder in folders)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(Codebase.RepoRoot, folder), "*.*", SearchOption.AllDirectories))
            {
                if (!file.EndsWith(".cs", StringComparison.Ordinal) && !file.EndsWith(".ts", StringComparison.Ordinal)
                    && !file.EndsWith(".tsx", StringComparison.Ordinal)) continue;
                var relative = Path.GetRelativePath(Codebase.RepoRoot, file);
                if (relative.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    || relative.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)) continue;
                // A migration is named by its file (20261201_TenantIsolation.cs), not by a word in it.
                var migration = MigrationFile().Match(Path.GetFileName(file));
                if (migration.Success) names.Add(migration.Groups[1].Value);
                foreach (Match word in Word().Matches(File.ReadAllText(file))) names.Add(word.Value);
            }
        }
        return names;
    });

    [GeneratedRegex("`([^`\n]+)`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"^[A-Z]\w+/[A-Z]\w+Tests$")]
    private static partial Regex TestClass();

    [GeneratedRegex(@"^[A-Z][a-z]\w*(\.[A-Z]\w*)*$")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"\b[A-Z]\w*\b")]
    private static partial Regex Word();

    [GeneratedRegex(@"^\d{14}_(\w+)\.cs$")]
    private static partial Regex MigrationFile();
}
