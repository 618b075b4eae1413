using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace OrthoScan.Api.Infrastructure.Persistence;

/// <summary>
/// Sets the row-level-security settings on every connection open. Settings are session-level and are always
/// written (empty when unknown), so a pooled connection never carries the previous request's tenant; Npgsql's
/// reset on close (DISCARD ALL) clears them as well.
/// </summary>
public sealed class TenantConnectionInterceptor(RequestContext context) : DbConnectionInterceptor
{
    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default) =>
        ApplyAsync(connection, context, cancellationToken);

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) =>
        ApplyAsync(connection, context, CancellationToken.None).GetAwaiter().GetResult();

    internal static async Task ApplyAsync(DbConnection connection, RequestContext context, CancellationToken ct)
    {
        await using var command = (NpgsqlCommand)connection.CreateCommand();
        command.CommandText =
            "SELECT set_config('app.practice_id', @practice, false), set_config('app.user_id', @user, false), set_config('app.patient_id', @patient, false)";
        command.Parameters.AddWithValue("practice", context.PracticeId?.ToString() ?? string.Empty);
        command.Parameters.AddWithValue("user", context.UserId?.ToString() ?? string.Empty);
        command.Parameters.AddWithValue("patient", context.PatientId?.ToString() ?? string.Empty);
        await command.ExecuteNonQueryAsync(ct);
    }
}
