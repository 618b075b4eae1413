namespace OrthoScan.Api.Features.Patients;

/// <summary>Partial update: a field left out (or null) keeps its value.</summary>
public static class UpdatePatient
{
    public sealed record Changes(
        string? FirstName,
        string? LastName,
        DateOnly? DateOfBirth,
        Guid? DoctorId,
        TreatmentType? TreatmentType,
        string? AlignerBrand,
        int? CurrentStage,
        int? TotalStages,
        ScanFrequency? ScanFrequency,
        PatientStatus? Status,
        string? Email,
        string? Phone,
        string? Timezone,
        PreferredLanguage? PreferredLanguage,
        bool? ResearchConsent,
        DateOnly? TreatmentStartDate);

    [RequiresRole(Role.Owner, Role.Doctor, Role.Staff)]
    public sealed record Command(Guid Id, Changes Changes) : ICommand<PatientResponse>, IAudited<PatientResponse>
    {
        public AuditRecord Audit(PatientResponse response) => new("patient", Id);
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(TimeProvider clock)
        {
            RuleFor(c => c.Changes).NotNull();
            When(c => c.Changes is not null, () =>
            {
                RuleFor(c => c.Changes.FirstName).NotEmpty().PersonName().When(c => c.Changes.FirstName is not null).OverridePropertyName("firstName");
                RuleFor(c => c.Changes.LastName).NotEmpty().PersonName().When(c => c.Changes.LastName is not null).OverridePropertyName("lastName");
                RuleFor(c => c.Changes.DateOfBirth).BirthDate().OverridePropertyName("dateOfBirth");
                RuleFor(c => c.Changes.AlignerBrand).MaximumLength(100).OverridePropertyName("alignerBrand");
                RuleFor(c => c.Changes.CurrentStage).InclusiveBetween(1, 200).OverridePropertyName("currentStage");
                RuleFor(c => c.Changes.TotalStages).InclusiveBetween(1, 200).OverridePropertyName("totalStages");
                RuleFor(c => c.Changes.Email).EmailAddress().MaximumLength(320).OverridePropertyName("email");
                RuleFor(c => c.Changes.Phone).PhoneNumber().OverridePropertyName("phone");
                RuleFor(c => c.Changes.Timezone).TimeZone().OverridePropertyName("timezone");
                RuleFor(c => c.Changes.TreatmentStartDate).Must(d => d is null || d.Value <= clock.UtcToday())
                    .WithMessage("The treatment start date cannot be in the future.").OverridePropertyName("treatmentStartDate");
                RuleFor(c => c.Changes.Status).Must(s => s is not PatientStatus.Archived)
                    .WithMessage("Use the archive action to archive a patient.").OverridePropertyName("status");
            });
        }
    }

    public sealed class Handler(AppDbContext db, RequestContext context, TimeProvider clock) : ICommandHandler<Command, PatientResponse>
    {
        public async ValueTask<PatientResponse> Handle(Command command, CancellationToken ct)
        {
            var patient = await db.Patients.SingleOrDefaultAsync(p => p.Id == command.Id, ct) ?? throw new NotFoundException("patient");
            PatientRules.EnsureNotErased(patient);
            if (patient.Status == PatientStatus.Archived)
                throw new ConflictException("patient-archived", "This patient is archived.", "Archived records are kept read-only.");

            var c = command.Changes;
            if (c.DoctorId is not null) await PatientRules.EnsureDoctorAsync(db, c.DoctorId, ct);
            var now = clock.UtcNow();
            patient.FirstName = c.FirstName?.Trim() ?? patient.FirstName;
            patient.LastName = c.LastName?.Trim() ?? patient.LastName;
            patient.DateOfBirth = c.DateOfBirth ?? patient.DateOfBirth;
            patient.DoctorId = c.DoctorId ?? patient.DoctorId;
            patient.TreatmentType = c.TreatmentType ?? patient.TreatmentType;
            patient.AlignerBrand = c.AlignerBrand?.Trim() ?? patient.AlignerBrand;
            patient.CurrentStage = c.CurrentStage ?? patient.CurrentStage;
            patient.TotalStages = c.TotalStages ?? patient.TotalStages;
            patient.ScanFrequency = c.ScanFrequency ?? patient.ScanFrequency;
            patient.Status = c.Status ?? patient.Status;
            patient.Email = c.Email?.Trim() ?? patient.Email;
            patient.Phone = c.Phone ?? patient.Phone;
            patient.Timezone = c.Timezone ?? patient.Timezone;
            patient.PreferredLanguage = c.PreferredLanguage ?? patient.PreferredLanguage;
            patient.TreatmentStartDate = c.TreatmentStartDate ?? patient.TreatmentStartDate;
            // Only a change is stamped: re-sending the same answer keeps who recorded it and when.
            if (c.ResearchConsent is { } consent && consent != patient.ResearchConsent)
            {
                patient.ResearchConsent = consent;
                patient.ResearchConsentAt = now;
                patient.ResearchConsentRecordedBy = context.UserId;
            }
            PatientRules.EnsureStages(patient.CurrentStage, patient.TotalStages);
            PatientRules.EnsureTreatmentStart(patient.DateOfBirth, patient.TreatmentStartDate, c.TreatmentStartDate is null ? "dateOfBirth" : "treatmentStartDate");
            patient.UpdatedAt = now;
            await db.SaveChangesAsync(ct);
            return PatientResponse.From(patient, clock.UtcToday());
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPatch($"{Routes.V1}/patients/{{id:guid}}", async (Guid id, Changes changes, ISender sender, CancellationToken ct) =>
                    Results.Ok(await sender.Send(new Command(id, changes), ct)))
                .WithTags("Patients").WithName("UpdatePatient").RequireAuthorization()
                .WithSummary("Update a patient")
                .WithDescription(
                    "Partial update: a field left out or null keeps its value. Archiving has its own action (POST " +
                    "/patients/{id}/archive). 409 `patient-archived`: an archived record is read-only; 422 when `doctorId` is not a " +
                    "doctor of this practice, the current stage would be after the last one, or `treatmentStartDate` would be before the " +
                    "date of birth (400 when it is in the future). Giving or withdrawing `researchConsent` records who and when " +
                    "(`researchConsent.changedBy`, `changedAt`); sending the unchanged value keeps the earlier record.")
                .WithRequestExample(new Changes(
                    null, null, null, null, null, null, CurrentStage: 3, null, ScanFrequency.Biweekly, null, null, Phone: "+447700900456", null, null,
                    ResearchConsent: true, TreatmentStartDate: new DateOnly(2026, 3, 2)))
                .Produces<PatientResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
                .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }
}
