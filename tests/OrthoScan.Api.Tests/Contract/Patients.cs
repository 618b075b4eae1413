using System.Text.Json.Serialization;

namespace OrthoScan.Api.Tests.Contract;

/// <summary>A patient as every patient route answers it (create, read, edit, archive, and the list's items).</summary>
public sealed record PatientDto(
    Guid Id,
    string FirstName,
    string LastName,
    DateOnly? DateOfBirth,
    AgeBand? AgeBand,
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
public sealed record PatientInvitationDto(Guid PatientId, string Code, DateTime ExpiresAt, NotificationChannel? SentBy);

public enum PatientStatus { Invited, Active, Paused, Completed, Archived, Erased }

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

/// <summary>POST /patients/{id}/erasure.</summary>
public sealed record ErasureDto(Guid PatientId, DateTime ErasedAt, int ImagesShredded);

/// <summary>record.json inside GET /patients/{id}/record.</summary>
public sealed record PatientRecordDto(
    string Format,
    DateTime GeneratedAt,
    PatientDto Patient,
    IReadOnlyList<RecordSessionDto> Sessions,
    IReadOnlyList<RecordTagSetDto> TagSets,
    IReadOnlyList<RecordActionDto> Actions,
    IReadOnlyList<RecordMessageDto> Messages,
    IReadOnlyList<RecordAccessDto> Access);

public sealed record RecordSessionDto(
    Guid Id, int AlignerNumber, ScanSessionStatus Status, DateTime CreatedAt, DateTime? SubmittedAt, DateTime? ProcessedAt,
    DateTime? ReviewedAt, Guid? ReviewedBy, string? PatientFeedback, IReadOnlyList<RecordImageDto> Images);

public sealed record RecordImageDto(
    Guid Id, ImageType ImageType, ScanImageStatus Status, int? QualityScore, IReadOnlyList<string> QualityIssues,
    IReadOnlyList<string> RetakeReasons, int? Width, int? Height, DateTime? CapturedAt, string? File);

public sealed record RecordTagSetDto(
    Guid Id, Guid SessionId, Guid TaggedBy, DateTime TaggedAt, string TaxonomyVersion, short OverallTracking, short? AlignerFit,
    short OralHygiene, IReadOnlyList<RecordTagDto> DetailTags, string? Notes, bool AiSuggested, bool AiOverridden);

public sealed record RecordTagDto(string Code, string? Location);

public sealed record RecordActionDto(Guid TagSetId, Guid SessionId, string Action, int? HoldDays, int? StageAfter, Guid By, DateTime At);

public sealed record RecordMessageDto(Guid ThreadId, string? Subject, Guid Id, string SenderType, Guid? SenderId, string Content, DateTime CreatedAt, DateTime? ReadAt);

public sealed record RecordAccessDto(Guid? UserId, string? ActorRole, string Action, int Count, DateTime First, DateTime Last);

/// <summary>GET and PATCH /me: the signed-in patient as the app shows them.</summary>
public sealed record MeDto(
    Guid Id,
    string FirstName,
    string LastName,
    string PracticeName,
    string? DoctorName,
    int CurrentStage,
    int TotalStages,
    ScanFrequency ScanFrequency,
    DateTime? LastScanAt,
    DateOnly NextScanDue,
    PatientStatus Status,
    PreferredLanguage PreferredLanguage,
    string Timezone,
    string? Email,
    string? Phone,
    MeNoticeSettingsDto Notifications);

public sealed record MeNoticeSettingsDto(bool Sms, bool Email, TimeOnly QuietHoursStart, TimeOnly QuietHoursEnd, bool SmsStopped);
