namespace OrthoScan.Api.Domain;

public interface ITenantOwned
{
    Guid PracticeId { get; set; }
}

public sealed class Patient : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid PracticeId { get; set; }
    public Guid? DoctorId { get; set; }
    public required string FirstName { get; set; }
    public required string LastName { get; set; }
    /// <summary>Null only once the patient was erased.</summary>
    public DateOnly? DateOfBirth { get; set; }
    public TreatmentType TreatmentType { get; set; } = TreatmentType.ClearAligners;
    public string? AlignerBrand { get; set; }
    public int CurrentStage { get; set; } = 1;
    public int TotalStages { get; set; } = 1;
    public ScanFrequency ScanFrequency { get; set; } = ScanFrequency.Weekly;
    public PatientStatus Status { get; set; } = PatientStatus.Invited;
    public string? Email { get; set; }
    public string? Phone { get; set; }
    public string Timezone { get; set; } = "UTC";
    public PreferredLanguage PreferredLanguage { get; set; } = PreferredLanguage.En;
    /// <summary>Reminders and notices outside the app may go by SMS (when there is a phone number and it did not text STOP).</summary>
    public bool NotifyBySms { get; set; } = true;
    /// <summary>... and by email, when there is an address; SMS is tried first.</summary>
    public bool NotifyByEmail { get; set; } = true;
    /// <summary>Local time (in <see cref="Timezone"/>) from which nothing automatic is sent, until <see cref="QuietHoursEnd"/>.</summary>
    public TimeOnly QuietHoursStart { get; set; } = new(21, 0);
    public TimeOnly QuietHoursEnd { get; set; } = new(8, 0);
    /// <summary>The day the first aligner was worn; exports count days from it instead of calendar dates.</summary>
    public DateOnly? TreatmentStartDate { get; set; }
    /// <summary>Given (true) or withdrawn/never given (false) to the use of de-identified data for research.</summary>
    public bool ResearchConsent { get; set; }
    /// <summary>When the consent was last given or withdrawn; null while it was never recorded.</summary>
    public DateTime? ResearchConsentAt { get; set; }
    /// <summary>The user id of the member who last recorded the consent (an id, never a name, so erasure leaves it be).</summary>
    public Guid? ResearchConsentRecordedBy { get; set; }
    public Guid? AppUserId { get; set; }
    /// <summary>When the patient was erased (identity removed, data key destroyed); null while not erased.</summary>
    public DateTime? ErasedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// A patient's data key, wrapped under the master key / KMS; every object of the patient is encrypted under a key wrapped
/// by it (ADR 0013). Erasure overwrites <see cref="WrappedKey"/> with null and keeps the row as a tombstone, so the
/// patient's objects stay unreadable and no new key is ever made for them.
/// </summary>
public sealed class PatientDataKey : ITenantOwned
{
    public Guid PatientId { get; set; }
    public Guid PracticeId { get; set; }
    public byte[]? WrappedKey { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? DestroyedAt { get; set; }
}
