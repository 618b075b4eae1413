namespace OrthoScan.Api.Infrastructure.Audit;

public sealed class AuditOptions
{
    public const string Section = "OrthoScan:Audit";

    /// <summary>Benchmark only (docs/performance.md): false writes no audit rows at all, to measure what auditing costs.
    /// Never set it anywhere else: an unaudited read of patient data breaks the compliance promise.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the sealer looks for unsealed rows (worker role).</summary>
    public TimeSpan SealInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Rows sealed in one transaction; a practice with more is sealed in several, one after the other.</summary>
    public int SealBatchSize { get; set; } = 500;

    /// <summary>A row older than this and still unsealed makes verification fail: the sealer is down, or the row was
    /// slipped past it (its queue entry deleted, or written with the trigger disabled).</summary>
    public TimeSpan SealGracePeriod { get; set; } = TimeSpan.FromMinutes(5);

    internal bool IsValid() =>
        SealInterval > TimeSpan.Zero && SealBatchSize is >= 1 and <= 10_000 && SealGracePeriod > SealInterval;
}
