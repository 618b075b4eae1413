using System.Globalization;

namespace OrthoScan.Load;

/// <summary>
/// A bench's `--name value` options after its subcommand. Each is read once with its default; whatever is left unread
/// is an unknown option. Bad input throws <see cref="ArgumentException"/>, which the benches turn into exit code 2.
/// </summary>
internal sealed class BenchArgs
{
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);

    public BenchArgs(string[] args)
    {
        for (var i = 1; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length) throw new ArgumentException($"bad argument {args[i]}");
            _options[args[i][2..]] = args[i + 1];
        }
    }

    public string Get(string name, string fallback) => _options.Remove(name, out var value) ? value : fallback;

    public int Int(string name, int fallback) => int.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    public Uri Url(string name, string fallback)
    {
        var url = new Uri(Get(name, fallback).TrimEnd('/') + "/");
        Loopback.Require(url);
        return url;
    }

    public void RequireAllRead()
    {
        if (_options.Count > 0) throw new ArgumentException($"unknown options {string.Join(", ", _options.Keys)}");
    }

    /// <summary>The owner connection string of a dedicated bench database (never the dev one: the benches load and rewrite data).</summary>
    public static string BenchOwnerConnectionString()
    {
        var ownerCs = Environment.GetEnvironmentVariable("ConnectionStrings__Owner") ?? throw new ArgumentException("ConnectionStrings__Owner is not set");
        return ownerCs.Contains("bench", StringComparison.OrdinalIgnoreCase)
            ? ownerCs
            : throw new ArgumentException("the owner connection string must point at a dedicated bench database (its name containing 'bench')");
    }
}
