using System.Reflection;
using System.Text.RegularExpressions;
using Shouldly;

namespace OrthoScan.Api.Tests.Contract;

/// <summary>
/// The contract records stay honest: each one is read by a test (a record nobody reads checks nothing), and no test
/// reads a response through string keys.
/// </summary>
public sealed partial class ContractCoverageTests
{
    /// <summary>Contract/ alone reads raw bodies: its strict-reading tests change a real body to show the read fails.</summary>
    private static readonly string[] UncheckedFolders = ["Contract"];

    /// <summary>Files (by path prefix) that read JSON other than our responses, on purpose.</summary>
    private static readonly Dictionary<string, string> RawJsonOnPurpose = new()
    {
        ["BadInput/SchemaFuzz.cs"] = "derives bodies from the OpenAPI document itself",
        ["BadInput/SchemaFuzzTests.cs"] = "walks the OpenAPI document's operations and parameters",
        ["BadInput/FuzzTargets.cs"] = "walks the OpenAPI document's operations, parameters and security",
        ["BadInput/HostileRequestTests.cs"] = "walks the OpenAPI document's schemas and writes hostile request bodies",
        ["BadInput/HostileTokens.cs"] = "reads and rewrites the claims of a real access token (JWT, not a response) to forge tokens",
        ["Platform/OpenApi"] = "reads the OpenAPI document or compares it with its snapshot",
        ["Storage/KmsKeyProviderTests.cs"] = "reads the requests the AWS SDK sent to the KMS fake (AWS's wire format, not ours)",
        ["Billing/FakeStripe.cs"] = "writes Stripe's objects and events (Stripe's wire format, not ours) for the Stripe fake",
        ["Ai/FakeAzureOpenAi.cs"] = "writes Azure OpenAI's chat completions (OpenAI's wire format, not ours) for the GPT-4o fake",
        ["Imaging/WorkerMemoryTests.cs"] = "reads the process-image command's output lines, not an HTTP response",
        ["Exports/"] = "reads the files of a downloaded dataset (manifest.json, tagsets.jsonl), not an HTTP response",
    };

    /// <summary>A value taken out of a JsonNode or a JsonDocument by key, a body dumped whole, or a lenient typed read.</summary>
    [GeneratedRegex(@"\.GetValue<|\.AsArray\(\)|\.ToJsonString\(\)|\.GetProperty\(""|ReadFromJsonAsync")]
    private static partial Regex UntypedRead();

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
    public void No_test_reads_a_response_through_string_keys()
    {
        UntypedRead().IsMatch("""session["id"]!.GetValue<string>()""").ShouldBeTrue("the check must see a string-keyed read");
        UntypedRead().IsMatch("""var session = await response.ShouldBeAsync<ScanSessionDto>(HttpStatusCode.OK);""").ShouldBeFalse();

        var checkedFiles = Sources()
            .Where(f => !UncheckedFolders.Contains(f.Path.Split('/')[0]) && !RawJsonOnPurpose.Keys.Any(prefix => f.Path.StartsWith(prefix, StringComparison.Ordinal)))
            .ToList();
        checkedFiles.Select(f => f.Path.Split('/')[0]).Distinct().ShouldContain("Tagging");
        var offenders = checkedFiles
            .SelectMany(f => Code(f.Text).Split('\n').Select((line, i) => (f.Path, Line: i + 1, Text: line.Trim())))
            .Where(l => UntypedRead().IsMatch(l.Text) && !IsRequestBuilding(l.Text))
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
