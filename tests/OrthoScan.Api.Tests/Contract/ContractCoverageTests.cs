using System.Reflection;
using System.Text.RegularExpressions;
using OrthoScan.Api.Tests.Auth;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Scans;
using Shouldly;

namespace OrthoScan.Api.Tests.Contract;

/// <summary>
/// The contract records stay honest: each one is read by a test (a record nobody reads checks nothing), and the
/// converted test folders read no response through string keys.
/// </summary>
public sealed partial class ContractCoverageTests
{
    /// <summary>The folders read through the contract records. Tagging/, Analytics/ and Jobs/ follow in a second pass.</summary>
    private static readonly string[] ConvertedFolders =
        ["Auth", "Patients", "Practices", "Scans", "Dashboard", "Audit", "Isolation", "BadInput", "Storage", "Outages", "Platform"];

    /// <summary>Files (by path prefix) that read JSON other than our responses, on purpose.</summary>
    private static readonly Dictionary<string, string> RawJsonOnPurpose = new()
    {
        ["BadInput/SchemaFuzz"] = "derives bodies from the OpenAPI document itself",
        ["Platform/OpenApi"] = "reads the OpenAPI document or compares it with its snapshot",
        ["Auth/UntypedAuthFlows.cs"] = "the string-keyed helper itself, kept for Tagging/, Analytics/ and Jobs/ until their conversion",
        ["Scans/UntypedScanFlow.cs"] = "the string-keyed helper itself, kept for Tagging/, Analytics/ and Jobs/ until their conversion",
        ["Storage/KmsKeyProviderTests.cs"] = "reads the requests the AWS SDK sent to the KMS fake (AWS's wire format, not ours)",
    };

    private static readonly Type[] ContractTypes = [.. typeof(ContractJson).Assembly.GetTypes()
        .Where(t => t.Namespace == typeof(ContractJson).Namespace && t.IsPublic && (t.IsEnum || IsRecord(t)))];

    [Fact]
    public void Every_contract_record_and_enum_is_read_by_a_test()
    {
        var testSources = Sources().Where(f => !f.Path.StartsWith("Contract/", StringComparison.Ordinal)).Select(f => Code(f.Text)).ToList();
        var named = ContractTypes.Where(t => testSources.Any(source => Regex.IsMatch(source, $@"\b{Regex.Escape(ShortName(t))}\b"))).ToList();

        var read = new HashSet<Type>();
        var pending = new Stack<Type>(named);
        while (pending.TryPop(out var type))
        {
            if (!read.Add(type)) continue;
            foreach (var member in MemberTypes(type).Where(ContractTypes.Contains)) pending.Push(member);
        }

        ContractTypes.Length.ShouldBeGreaterThan(30);
        ContractTypes.Except(read).Select(t => t.Name).ShouldBeEmpty("contract types that no test reads, directly or as a member of one it reads");
    }

    [Fact]
    public void The_converted_folders_read_no_response_through_string_keys()
    {
        var untypedHelpers = new[] { typeof(UntypedJson), typeof(UntypedScanFlow), typeof(UntypedAuthFlows) }
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static)).Select(m => m.Name).Distinct().ToList();
        untypedHelpers.ShouldContain("ShouldBeProblemAsync");
        // A call of an untyped helper (not its typed, generic namesake) or a value taken out of a JsonNode.
        var untypedRead = new Regex($@"\.(?:{string.Join('|', untypedHelpers)})\(|\.GetValue<|\.AsArray\(\)|\.ToJsonString\(\)");

        var offenders = Sources()
            .Where(f => ConvertedFolders.Contains(f.Path.Split('/')[0]) && !RawJsonOnPurpose.Keys.Any(prefix => f.Path.StartsWith(prefix, StringComparison.Ordinal)))
            .SelectMany(f => Code(f.Text).Split('\n').Select((line, i) => (f.Path, Line: i + 1, Text: line.Trim())))
            .Where(l => untypedRead.IsMatch(l.Text) && !IsRequestBuilding(l.Text))
            .Select(l => $"{l.Path}:{l.Line}: {l.Text}")
            .ToList();

        offenders.ShouldBeEmpty();
    }

    /// <summary>Bad-input tests build malformed request bodies as JSON nodes: that is writing a request, not reading a response.</summary>
    private static bool IsRequestBuilding(string line) => line.Contains("Json(body.ToJsonString())", StringComparison.Ordinal)
                                                          || line.Contains("new(body.ToJsonString(), Encoding.UTF8", StringComparison.Ordinal);

    private static bool IsRecord(Type type) => type.IsClass && type.GetMethod("<Clone>$") is not null;

    private static string ShortName(Type type) => type.IsGenericTypeDefinition ? type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)] : type.Name;

    /// <summary>Every type a record's members are made of: element types, dictionary values, nullable underlying types.</summary>
    private static IEnumerable<Type> MemberTypes(Type type)
    {
        if (type.IsEnum) yield break;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.Name != "EqualityContract"))
            foreach (var part in Parts(property.PropertyType)) yield return part;
    }

    private static IEnumerable<Type> Parts(Type type)
    {
        yield return Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsArray) foreach (var part in Parts(type.GetElementType()!)) yield return part;
        foreach (var argument in type.GetGenericArguments().Where(a => !a.IsGenericParameter))
            foreach (var part in Parts(argument)) yield return part;
    }

    /// <summary>Source without comments, so a record named only in a comment does not count as read.</summary>
    private static string Code(string source) => Comment().Replace(source, "");

    [GeneratedRegex(@"^\s*//.*$", RegexOptions.Multiline)]
    private static partial Regex Comment();

    private static List<(string Path, string Text)> Sources()
    {
        var root = Path.Combine(RepositoryRoot(), "tests", "OrthoScan.Api.Tests");
        return [.. Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(root, file).Replace('\\', '/'))
            .Where(path => !path.StartsWith("bin/", StringComparison.Ordinal) && !path.StartsWith("obj/", StringComparison.Ordinal))
            .Select(path => (path, File.ReadAllText(Path.Combine(root, path))))];
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "OrthoScan.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("OrthoScan.sln not found above the test binaries.");
    }
}
