namespace OrthoScan.Api.Tests.Contract;

/// <summary>A patient as every patient route answers it (create, read, edit, archive, and the list's items).</summary>
public sealed record PatientDto(
    Guid Id,
    string FirstName,
    string LastName,
    DateOnly DateOfBirth,
    Guid? DoctorId,
    TreatmentType TreatmentType,
    string? AlignerBrand,
    int CurrentStage,
    int TotalStages,
    ScanFrequency ScanFrequency,
    PatientStatus Status,
    string? Email,
    string? Phone,
    string Timezone,
    PreferredLanguage PreferredLanguage,
    bool ResearchConsent,
    DateTime CreatedAt,
    DateTime UpdatedAt);

/// <summary>POST /patients/{id}/invite: the code the patient activates the app with.</summary>
public sealed record PatientInvitationDto(Guid PatientId, string Code, DateTime ExpiresAt);

public enum PatientStatus { Invited, Active, Paused, Completed, Archived }

public enum TreatmentType { ClearAligners, Retainers, Other }

public enum ScanFrequency { Weekly, Biweekly, Monthly }

public enum PreferredLanguage { En, Es, Fr, De }
