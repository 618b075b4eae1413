using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using StackExchange.Redis;

namespace OrthoScan.Api.Infrastructure.Caching;

/// <summary>
/// Invalidates a practice's cached analytics whenever data they count is saved: a new (or removed) tag set, a scan
/// submitted, a scan's first review. It watches every SaveChanges, so no write path can forget it. The generation is
/// bumped only once the transaction has committed: bumping earlier would let a read racing the commit cache the old
/// numbers under the new generation. A rolled-back transaction invalidates nothing.
/// </summary>
public sealed class PracticeCacheInvalidation(PracticeCache cache, ILogger<PracticeCacheInvalidation> logger)
    : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private readonly HashSet<Guid> _pending = [];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    // SaveChanges outside a transaction of ours commits on its own (or runs a single statement without one).
    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context?.Database.CurrentTransaction is null) FlushAsync().GetAwaiter().GetResult();
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context?.Database.CurrentTransaction is null) await FlushAsync();
        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        if (eventData.Context?.Database.CurrentTransaction is null) _pending.Clear();
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        SaveChangesFailed(eventData);
        return Task.CompletedTask;
    }

    void IDbTransactionInterceptor.TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
        FlushAsync().GetAwaiter().GetResult();

    Task IDbTransactionInterceptor.TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken) =>
        FlushAsync();

    void IDbTransactionInterceptor.TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => _pending.Clear();

    Task IDbTransactionInterceptor.TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken)
    {
        _pending.Clear();
        return Task.CompletedTask;
    }

    private void Collect(DbContext? context)
    {
        if (context is null) return;
        foreach (var entry in context.ChangeTracker.Entries())
        {
            var practiceId = entry.Entity switch
            {
                TagSet t when entry.State is EntityState.Added or EntityState.Deleted => t.PracticeId,
                ScanSession s when entry.State is EntityState.Added or EntityState.Deleted && s.SubmittedAt is not null => s.PracticeId,
                ScanSession s when entry.State == EntityState.Modified
                    && (entry.Property(nameof(ScanSession.SubmittedAt)).IsModified || entry.Property(nameof(ScanSession.ReviewedAt)).IsModified) => s.PracticeId,
                _ => (Guid?)null,
            };
            if (practiceId is { } id) _pending.Add(id);
        }
    }

    private async Task FlushAsync()
    {
        if (_pending.Count == 0) return;
        var practices = _pending.ToList();
        _pending.Clear();
        foreach (var practiceId in practices)
        {
            try
            {
                await cache.InvalidateAsync(practiceId);
            }
            catch (RedisException e)
            {
                // The data is committed; failing the request now would only invite a retry. Entries age out within their lifetime.
                logger.LogError(e, "Could not invalidate the cache of practice {PracticeId}", practiceId);
            }
        }
    }
}
