using System.Text.Json.Serialization;

namespace OrthoScan.Api.Tests.Contract;

/// <summary>A patient as every patient route answers it (create, read, edit, archive, and the list's items).</summary>
public sealed record PatientDto(
    Guid Id,
    string FirstName,
    string LastName,
    DateOnly DateOfBirth,
    AgeBand AgeBand,
    Guid? DoctorId,
    TreatmentType TreatmentType,
    string? AlignerBrand,
    DateOnly? TreatmentStartDate,
    int CurrentStage,
    int TotalStages,
    ScanFrequency ScanFrequency,
    PatientStatus Status,
    string? Email,
    string? Phone,
    string Timezone,
    PreferredLanguage PreferredLanguage,
    ResearchConsentDto ResearchConsent,
    DateTime CreatedAt,
    DateTime UpdatedAt);

/// <summary>A patient's research consent: given or not, and who last recorded it when (both null until first recorded).</summary>
public sealed record ResearchConsentDto(bool Given, DateTime? ChangedAt, Guid? ChangedBy);

/// <summary>POST /patients/{id}/invite: the code the patient activates the app with.</summary>
public sealed record PatientInvitationDto(Guid PatientId, string Code, DateTime ExpiresAt);

public enum PatientStatus { Invited, Active, Paused, Completed, Archived }

public enum TreatmentType { ClearAligners, Retainers, Other }

public enum ScanFrequency { Weekly, Biweekly, Monthly }

public enum AgeBand
{
    [JsonStringEnumMemberName("under_12")] Under12,
    [JsonStringEnumMemberName("12_17")] From12To17,
    [JsonStringEnumMemberName("18_29")] From18To29,
    [JsonStringEnumMemberName("30_44")] From30To44,
    [JsonStringEnumMemberName("45_plus")] From45,
}

public enum PreferredLanguage { En, Es, Fr, De }
