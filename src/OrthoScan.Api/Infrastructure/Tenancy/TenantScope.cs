namespace OrthoScan.Api.Infrastructure.Tenancy;

/// <summary>
/// Moves the current request into a tenant (or identity) context once an auth slice has established who the caller is.
/// If the connection is already open (inside a transaction) the PostgreSQL settings are applied at once.
/// </summary>
public sealed class TenantScope(RequestContext context, AppDbContext db)
{
    public Task EnterPracticeAsync(Guid practiceId, Guid? userId, Role role, CancellationToken ct)
    {
        context.PracticeId = practiceId;
        context.UserId = userId;
        context.Role = role;
        return ApplyAsync(ct);
    }

    public Task EnterPatientAsync(Guid practiceId, Guid patientId, CancellationToken ct)
    {
        context.PracticeId = practiceId;
        context.PatientId = patientId;
        context.Role = Role.Patient;
        return ApplyAsync(ct);
    }

    /// <summary>
    /// A background job working for a practice (the practice comes from the job's payload). No user and no role: the
    /// practice's data is reachable, and audit rows written here name no actor.
    /// </summary>
    public Task EnterPracticeAsWorkerAsync(Guid practiceId, CancellationToken ct)
    {
        context.PracticeId = practiceId;
        context.UserId = null;
        context.PatientId = null;
        context.Role = null;
        return ApplyAsync(ct);
    }

    /// <summary>Identity lookups before the practice is known: a principal may see its own membership or patient row.</summary>
    public Task EnterIdentityAsync(Guid? userId, Guid? patientId, CancellationToken ct)
    {
        context.UserId = userId;
        context.PatientId = patientId;
        return ApplyAsync(ct);
    }

    private async Task ApplyAsync(CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State == System.Data.ConnectionState.Open)
            await TenantConnectionInterceptor.ApplyAsync(connection, context, ct);
    }
}
