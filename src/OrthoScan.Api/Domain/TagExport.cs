namespace OrthoScan.Api.Domain;

/// <summary>
/// A de-identified training-data export a platform admin asked for. Platform data, not a practice's: no practice_id, and
/// only sessions outside every practice may read or write it. It holds no patient data: options, progress, the
/// de-identification report (counts only) and where the finished ZIP is stored.
/// </summary>
public sealed class TagExport
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    /// <summary>The platform admin's account id.</summary>
    public Guid RequestedBy { get; set; }
    /// <summary>The Idempotency-Key of the start request, with a hash of its body: a retry answers this export.</summary>
    public string? IdempotencyKey { get; set; }
    public byte[]? RequestHash { get; set; }
    public bool IncludeImages { get; set; }
    public bool IncludeFrontal { get; set; }
    public int Seed { get; set; }
    public int K { get; set; }
    public TagExportStatus Status { get; set; } = TagExportStatus.Queued;
    /// <summary>Tag sets counted before writing (eligible ones, before suppression); null until the job counted them.</summary>
    public long? TagSetsTotal { get; set; }
    public long TagSetsWritten { get; set; }
    public long ImagesWritten { get; set; }
    /// <summary>The dataset's report (JSON, camelCase), once completed.</summary>
    public string? Report { get; set; }
    public string? BlobKey { get; set; }
    public long? SizeBytes { get; set; }
    /// <summary>Why it failed, in words for the admin (never an exception's text).</summary>
    public string? Error { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
}

public enum TagExportStatus { Queued, Running, Completed, Failed }
