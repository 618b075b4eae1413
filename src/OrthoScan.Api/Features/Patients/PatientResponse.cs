namespace OrthoScan.Api.Features.Patients;

/// <summary>What the dashboard sees of a patient; shared by every patient slice that answers one.</summary>
public sealed record PatientResponse(
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
    DateTime UpdatedAt)
{
    public static PatientResponse From(Patient p) => new(
        p.Id, p.FirstName, p.LastName, p.DateOfBirth, p.DoctorId, p.TreatmentType, p.AlignerBrand, p.CurrentStage, p.TotalStages,
        p.ScanFrequency, p.Status, p.Email, p.Phone, p.Timezone, p.PreferredLanguage, p.ResearchConsent, p.CreatedAt, p.UpdatedAt);
}
