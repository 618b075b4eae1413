namespace OrthoScan.Api.Infrastructure.Jobs;

/// <summary>
/// How a job of no single practice (billing closes, invoices, reminders) visits them: the practices come from the
/// platform read path, and each is worked on in a scope of its own, entered as that practice's worker, so row-level
/// security holds for every row it touches and one practice's failure stays its own transaction's.
/// </summary>
public sealed class PracticeSweep(AppDbContext db, IServiceScopeFactory scopes)
{
    public Task<List<Guid>> PracticeIdsAsync(CancellationToken ct) =>
        db.Database.SqlQueryRaw<Guid>($"SELECT practice_id AS \"Value\" FROM {PlatformReadSql.PracticeOverview}()").ToListAsync(ct);

    /// <summary>Runs <paramref name="work"/> with the services and the database of a scope inside the practice.</summary>
    public async Task<T> InPracticeAsync<T>(Guid practiceId, Func<IServiceProvider, AppDbContext, Task<T>> work, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        await services.GetRequiredService<TenantScope>().EnterPracticeAsWorkerAsync(practiceId, ct);
        return await work(services, services.GetRequiredService<AppDbContext>());
    }
}
