namespace OrthoScan.Api.Domain;

public sealed class ScanSession : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid PracticeId { get; set; }
    public Guid PatientId { get; set; }
    public int AlignerNumber { get; set; }
    /// <summary>The patient app's Idempotency-Key with a hash of the request body: a retry answers the first session.</summary>
    public required string IdempotencyKey { get; set; }
    public required byte[] RequestHash { get; set; }
    public ScanSessionStatus Status { get; set; } = ScanSessionStatus.Pending;
    public DateTime? SubmittedAt { get; set; }
    public DateTime? ProcessedAt { get; set; }
    /// <summary>The outcome in the patient's language, shown in the app (and sent once messaging exists).</summary>
    public string? PatientFeedback { get; set; }
    public int ImageCount { get; set; }
    public Guid? ReviewedBy { get; set; }
    public DateTime? ReviewedAt { get; set; }
    public DateTime CreatedAt { get; set; }
}

public sealed class ScanImage : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid PracticeId { get; set; }
    public Guid SessionId { get; set; }
    public ImageType ImageType { get; set; }
    public ScanImageStatus Status { get; set; } = ScanImageStatus.AwaitingUpload;
    public string? UploadKey { get; set; }
    public string? UploadContentType { get; set; }
    public long? UploadLength { get; set; }
    public string? FullKey { get; set; }
    public string? DisplayKey { get; set; }
    public string? ThumbnailKey { get; set; }
    public int? Width { get; set; }
    public int? Height { get; set; }
    public DateTime? CapturedAt { get; set; }
    public string? DeviceMake { get; set; }
    public string? DeviceModel { get; set; }
    public int? QualityScore { get; set; }
    public List<string> QualityIssues { get; set; } = [];
    public long? PerceptualHash { get; set; }
    /// <summary>Why the patient must take this view again (snake_case codes), empty when it is fine.</summary>
    public List<string> RetakeReasons { get; set; } = [];
    public DateTime CreatedAt { get; set; }
    public DateTime? ProcessedAt { get; set; }
}

/// <summary>
/// One doctor's review of one scan. A second doctor's review of the same scan is a second row, never an overwrite:
/// the pairs feed inter-doctor agreement statistics and the training data.
/// </summary>
public sealed class TagSet : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid PracticeId { get; set; }
    public Guid SessionId { get; set; }
    public Guid TaggedBy { get; set; }
    public required string TaxonomyVersion { get; set; }
    public DateTime ReviewOpenedAt { get; set; }
    public DateTime TaggedAt { get; set; }
    public short OverallTracking { get; set; }
    /// <summary>Null when not applicable (e.g. no aligner in the photos).</summary>
    public short? AlignerFit { get; set; }
    public short OralHygiene { get; set; }
    public List<DetailTag> DetailTags { get; set; } = [];
    public ReviewAction ActionTaken { get; set; }
    public int? HoldDays { get; set; }
    /// <summary>The patient's aligner stage once this review was applied (what "approved" moved them to).</summary>
    public int? StageAfter { get; set; }
    public string? Notes { get; set; }
    /// <summary>Any attribute of this review had an AI suggestion.</summary>
    public bool AiSuggested { get; set; }
    /// <summary>The doctor chose otherwise than the AI for at least one suggested attribute.</summary>
    public bool AiOverridden { get; set; }
    /// <summary>Per suggested attribute: what the AI proposed and whether the doctor overrode it (training and acceptance data).</summary>
    public List<AiOutcome> AiOutcomes { get; set; } = [];
}

/// <summary>
/// A model's suggestion for one attribute of a scan, written before review. <see cref="Attribute"/> is a taxonomy score's key
/// with one of that score's values (see <c>Taxonomy.Scores</c>) or detail_tag (a tag code, one row per tag).
/// The rows of one model run share <see cref="CreatedAt"/>.
/// </summary>
public sealed class AiSuggestion : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid PracticeId { get; set; }
    public Guid SessionId { get; set; }
    public required string ModelName { get; set; }
    public required string ModelVersion { get; set; }
    public required string Attribute { get; set; }
    public required string Value { get; set; }
    public float Confidence { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>One suggested attribute of a review: detail tags compare as sorted code lists joined by ",".</summary>
public sealed class AiOutcome
{
    public required string Attribute { get; set; }
    public required string Suggested { get; set; }
    public required string Chosen { get; set; }
    public float Confidence { get; set; }
    public required string Model { get; set; }
    public bool Overridden { get; set; }
}

/// <summary>A detail finding, optionally located by FDI tooth number ("21") or region ("lower_anterior").</summary>
public sealed class DetailTag
{
    public required string Code { get; set; }
    public string? Location { get; set; }
}

/// <summary>The one conversation between a patient and their practice (unique per patient).</summary>
public sealed class MessageThread : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid PracticeId { get; set; }
    public Guid PatientId { get; set; }
    public string? Subject { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>The newest message's time (the thread's creation before one): thread lists sort by it.</summary>
    public DateTime LastMessageAt { get; set; }
}

public sealed class Message : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid PracticeId { get; set; }
    public Guid ThreadId { get; set; }
    public SenderType SenderType { get; set; }
    /// <summary>The practice member (doctor, staff) or the patient who wrote it; null for system messages.</summary>
    public Guid? SenderId { get; set; }
    public required string Content { get; set; }
    /// <summary>Ids of the patient's scan images the message shows.</summary>
    public List<string> Attachments { get; set; } = [];
    public DateTime? ReadAt { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>The sender's Idempotency-Key: a retried send answers this message instead of writing a second one.</summary>
    public string? IdempotencyKey { get; set; }
    public byte[]? RequestHash { get; set; }
}

/// <summary>One audited action, as the request wrote it. Its place in the practice's hash chain is an <see cref="AuditSeal"/>.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public Guid PracticeId { get; set; }
    public Guid? UserId { get; set; }
    public string? ActorRole { get; set; }
    public required string Action { get; set; }
    public string? ResourceType { get; set; }
    public Guid? ResourceId { get; set; }
    public string? IpAddress { get; set; }
    public DateTime OccurredAt { get; set; }
}

/// <summary>
/// A link of a practice's audit chain, appended by the sealer: position <see cref="Seq"/> (from 1, no gaps) holds the
/// audit row <see cref="AuditId"/>, and its hash covers that row's fields and the previous link's hash.
/// </summary>
public sealed class AuditSeal
{
    public Guid PracticeId { get; set; }
    public long Seq { get; set; }
    public long AuditId { get; set; }
    public required byte[] PrevHash { get; set; }
    public required byte[] Hash { get; set; }
    public DateTime SealedAt { get; set; }
}

/// <summary>
/// Audit rows waiting for their seal: one entry per practice per INSERT statement on audit_log (a trigger writes it with
/// the rows), emptied by the sealer (ADR 0007). <see cref="FirstId"/> is the smallest of <see cref="AuditIds"/>.
/// </summary>
public sealed class AuditSealQueueEntry
{
    public Guid PracticeId { get; set; }
    public long FirstId { get; set; }
    public required long[] AuditIds { get; set; }
}
