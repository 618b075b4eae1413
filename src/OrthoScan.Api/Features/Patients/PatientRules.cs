namespace OrthoScan.Api.Features.Patients;

/// <summary>Field rules that create and edit share, so a patient valid on creation stays editable.</summary>
public static class PatientRules
{
    public static IRuleBuilderOptions<T, string?> PersonName<T>(this IRuleBuilder<T, string?> rule) => rule.MaximumLength(100);

    public static IRuleBuilderOptions<T, string?> PhoneNumber<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Matches(@"^\+[1-9][0-9]{6,14}$").WithMessage("Use the international format, e.g. +14155550123.");

    public static IRuleBuilderOptions<T, DateOnly?> BirthDate<T>(this IRuleBuilder<T, DateOnly?> rule) =>
        rule.Must(d => d is null || (d.Value > new DateOnly(1900, 1, 1) && d.Value <= DateOnly.FromDateTime(DateTime.UtcNow)))
            .WithMessage("Enter a date of birth between 1900 and today.");

    public static async Task EnsureDoctorAsync(AppDbContext db, Guid? doctorId, CancellationToken ct)
    {
        if (doctorId is null) return;
        var isDoctor = await db.PracticeMembers.AnyAsync(
            m => m.Id == doctorId && (m.Role == Role.Doctor || m.Role == Role.Owner) && m.Status != MemberStatus.Disabled, ct);
        if (!isDoctor) throw RuleViolationException.ForField("doctorId", "Choose a doctor of this practice.");
    }

    /// <summary>An erased patient keeps only placeholders: nothing may write an identity (or anything else) back.</summary>
    public static void EnsureNotErased(Patient patient)
    {
        if (patient.ErasedAt is not null || patient.Status == PatientStatus.Erased)
            throw new ConflictException("patient-erased", "This patient was erased.", "An erased patient's record cannot be changed.");
    }

    public static void EnsureTreatmentStart(DateOnly? dateOfBirth, DateOnly? treatmentStart, string field)
    {
        if (treatmentStart < dateOfBirth) throw RuleViolationException.ForField(field, "The treatment cannot start before the date of birth.");
    }

    public static void EnsureStages(int current, int total)
    {
        if (current > total) throw RuleViolationException.ForField("currentStage", "The current stage cannot be after the last stage.");
    }
}
