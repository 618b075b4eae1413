namespace OrthoScan.Api.Infrastructure.Persistence;

/// <summary>What a transaction lock guards: the same key in two spaces is two different locks.</summary>
public enum LockSpace : long
{
    /// <summary>Keys that name their own purpose (a chain, a job and its id, a token family).</summary>
    Named = 0,
    ScanSessionIdempotencyKeys = 11,
    MessageIdempotencyKeys = 12,
    ExportIdempotencyKeys = 13,
}

public static class TransactionLocks
{
    /// <summary>
    /// Waits until no other transaction holds this key, then holds it until this transaction ends: callers with one key take
    /// turns (a PostgreSQL advisory lock, so it holds across API instances and workers).
    /// </summary>
    public static Task LockForTransactionAsync(this AppDbContext db, LockSpace space, string key, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({key}, {(long)space}))", ct);
}
