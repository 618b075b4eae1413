using Npgsql;

namespace OrthoScan.Api.Tests.Infrastructure;

/// <summary>Plain SQL against the test database, as a given role, with the tenant settings the API would set.</summary>
public static class Sql
{
    public static async Task<NpgsqlConnection> OpenAsync(string connectionString, Guid? practiceId = null)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        if (practiceId is not null) await connection.ExecuteAsync("SELECT set_config('app.practice_id', @p, false)", ("p", practiceId.ToString()!));
        return connection;
    }

    public static async Task<int> ExecuteAsync(this NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return await command.ExecuteNonQueryAsync();
    }

    public static async Task<T> ScalarAsync<T>(this NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public static async Task<List<string>> ColumnAsync(this NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync()) values.Add(reader.GetString(0));
        return values;
    }
}
