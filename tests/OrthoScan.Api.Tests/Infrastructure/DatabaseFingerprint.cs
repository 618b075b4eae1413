using Npgsql;

namespace OrthoScan.Api.Tests.Infrastructure;

/// <summary>
/// Row count and a hash of every row of every table (audit log and jobs included), read as the owner role. Row-level
/// security binds the owner too, so tenant tables are read once per given practice; a row of an unknown practice still
/// shows in the tables without a tenant (user accounts, codes, tokens, jobs).
/// </summary>
public static class DatabaseFingerprint
{
    public static async Task<IReadOnlyDictionary<string, string>> TakeAsync(string ownerConnectionString, params Guid[] practiceIds)
    {
        await using var connection = await Sql.OpenAsync(ownerConnectionString);
        var tables = await connection.ColumnAsync("""
            SELECT table_name::text FROM information_schema.tables
            WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '__EFMigrationsHistory'
            ORDER BY 1
            """);
        var fingerprint = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var practice in practiceIds.Select(p => p.ToString()).Prepend(""))
        {
            await connection.ExecuteAsync("SELECT set_config('app.practice_id', @p, false)", ("p", practice));
            foreach (var table in tables)
            {
                await using var command = new NpgsqlCommand(
                    $"SELECT count(*) || ' rows ' || coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '') FROM \"{table}\" t", connection);
                fingerprint[$"{table} (practice {(practice.Length == 0 ? "none" : practice)})"] = (string)(await command.ExecuteScalarAsync())!;
            }
        }
        return fingerprint;
    }

    /// <summary>The tables whose content differs, for a readable failure.</summary>
    public static List<string> Differences(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after) =>
        before.Keys.Union(after.Keys)
            .Where(key => before.GetValueOrDefault(key) != after.GetValueOrDefault(key))
            .Select(key => $"{key}: {before.GetValueOrDefault(key) ?? "absent"} -> {after.GetValueOrDefault(key) ?? "absent"}")
            .ToList();
}
