using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;

namespace OrthoScan.Load.Feed;

/// <summary>
/// The SQL text EF Core sends for a query, taken at run time with ToQueryString(), and which of its parameters carries
/// which value: the query is built once with sentinel values, and each parameter is recognised by the sentinel it
/// printed. The bare twin then sends exactly this text through raw Npgsql with its own values.
/// </summary>
internal sealed partial class EfStatement
{
    public string Sql { get; }
    public IReadOnlyDictionary<string, string> ParameterByRole { get; }

    private EfStatement(string sql, Dictionary<string, string> parameterByRole) => (Sql, ParameterByRole) = (sql, parameterByRole);

    /// <param name="sentinels">role → a value text that only that role's parameter prints (a GUID, a date, a number).</param>
    public static EfStatement From(IQueryable query, IReadOnlyDictionary<string, string> sentinels)
    {
        var text = query.ToQueryString();
        var lines = text.Split('\n');
        var byRole = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.TakeWhile(l => l.StartsWith("-- @", StringComparison.Ordinal)))
        {
            var match = ParameterLine().Match(line);
            if (!match.Success) throw new InvalidOperationException($"unexpected parameter line from EF: {line}");
            var role = sentinels.Where(s => match.Groups["value"].Value.Contains(s.Value, StringComparison.OrdinalIgnoreCase)).Select(s => s.Key).ToList();
            if (role.Count != 1) throw new InvalidOperationException($"cannot tell which value EF's parameter {match.Groups["name"].Value} carries: {line}");
            byRole[role[0]] = match.Groups["name"].Value;
        }
        var sql = string.Join('\n', lines.SkipWhile(l => l.StartsWith("-- @", StringComparison.Ordinal))).Trim();
        if (byRole.Count != sentinels.Count)
            throw new InvalidOperationException($"EF's query has parameters for {string.Join(", ", byRole.Keys)}, expected {string.Join(", ", sentinels.Keys)}:\n{text}");
        return new EfStatement(sql, byRole);
    }

    [GeneratedRegex("^-- @(?<name>[A-Za-z0-9_]+)=(?<value>.*)$")]
    private static partial Regex ParameterLine();
}
