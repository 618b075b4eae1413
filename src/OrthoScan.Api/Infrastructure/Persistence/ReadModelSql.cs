using Npgsql;

namespace OrthoScan.Api.Infrastructure.Persistence;

/// <summary>
/// Hand-written read models: several statements in one round trip, on the request's own connection, so the tenant
/// settings are applied and row-level security holds. Parameters are positional ($1, $2, ...) and shared by every statement.
/// </summary>
public static class ReadModelSql
{
    public static async Task<T> QueryBatchAsync<T>(
        this AppDbContext db, IReadOnlyList<string> statements, IReadOnlyList<object> parameters, Func<NpgsqlDataReader, Task<T>> read, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var batch = new NpgsqlBatch((NpgsqlConnection)db.Database.GetDbConnection());
            foreach (var sql in statements)
            {
                var command = new NpgsqlBatchCommand(sql);
                foreach (var value in parameters) command.Parameters.Add(new NpgsqlParameter { Value = value });
                batch.BatchCommands.Add(command);
            }
            await using var reader = await batch.ExecuteReaderAsync(ct);
            return await read(reader);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Every row of the current result set, then moves to the next one.</summary>
    public static async Task<List<TRow>> RowsAsync<TRow>(this NpgsqlDataReader reader, Func<NpgsqlDataReader, TRow> row, CancellationToken ct)
    {
        var rows = new List<TRow>();
        while (await reader.ReadAsync(ct)) rows.Add(row(reader));
        await reader.NextResultAsync(ct);
        return rows;
    }

    public static double? NullableDouble(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);
}
