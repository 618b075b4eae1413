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
    public DateOnly DateOfBirth { get; set; }
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
    /// <summary>The day the first aligner was worn; exports count days from it instead of calendar dates.</summary>
    public DateOnly? TreatmentStartDate { get; set; }
    /// <summary>Given (true) or withdrawn/never given (false) to the use of de-identified data for research.</summary>
    public bool ResearchConsent { get; set; }
    /// <summary>When the consent was last given or withdrawn; null while it was never recorded.</summary>
    public DateTime? ResearchConsentAt { get; set; }
    /// <summary>The user id of the member who last recorded the consent (an id, never a name, so erasure leaves it be).</summary>
    public Guid? ResearchConsentRecordedBy { get; set; }
    public Guid? AppUserId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
