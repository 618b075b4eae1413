namespace OrthoScan.Api.Features.Patients;

/// <summary>What the dashboard sees of a patient; shared by every patient slice that answers one.</summary>
/// <param name="DateOfBirth">Null only for an erased patient.</param>
/// <param name="AgeBand">Computed from the date of birth on today's date (UTC); never stored. Null only for an erased patient.</param>
public sealed record PatientResponse(
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
    PatientResponse.Consent ResearchConsent,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    /// <param name="Given">True while the patient consents to research use of de-identified data; false once withdrawn or never given.</param>
    /// <param name="ChangedAt">When it was last given or withdrawn; null when never recorded.</param>
    /// <param name="ChangedBy">The user id of the member who recorded it; null when never recorded.</param>
    public sealed record Consent(bool Given, DateTime? ChangedAt, Guid? ChangedBy);

    public static PatientResponse From(Patient p, DateOnly today) => new(
        p.Id, p.FirstName, p.LastName, p.DateOfBirth, p.DateOfBirth is { } born ? AgeBands.Of(born, today) : null, p.DoctorId, p.TreatmentType, p.AlignerBrand,
        p.TreatmentStartDate, p.CurrentStage, p.TotalStages, p.ScanFrequency, p.Status, p.Email, p.Phone, p.Timezone, p.PreferredLanguage,
        new Consent(p.ResearchConsent, p.ResearchConsentAt, p.ResearchConsentRecordedBy), p.CreatedAt, p.UpdatedAt);
}
