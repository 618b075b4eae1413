using OrthoScan.Api.Infrastructure.Billing;


namespace OrthoScan.Api.Features.Patients;

public static class CreatePatient
{
    [RequiresRole(Role.Owner, Role.Doctor, Role.Staff)]
    public sealed record Command(
        string FirstName,
        string LastName,
        DateOnly? DateOfBirth,
        Guid? DoctorId,
        TreatmentType? TreatmentType,
        string? AlignerBrand,
        int? CurrentStage,
        int? TotalStages,
        ScanFrequency? ScanFrequency,
        string? Email,
        string? Phone,
        string? Timezone,
        PreferredLanguage? PreferredLanguage,
        bool ResearchConsent = false) : ICommand<PatientResponse>, IAudited<PatientResponse>
    {
        public AuditRecord Audit(PatientResponse response) => new("patient", response.Id);
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.FirstName).NotEmpty().PersonName();
            RuleFor(c => c.LastName).NotEmpty().PersonName();
            RuleFor(c => c.DateOfBirth).NotNull().BirthDate();
            RuleFor(c => c.AlignerBrand).MaximumLength(100);
            RuleFor(c => c.CurrentStage).InclusiveBetween(1, 200);
            RuleFor(c => c.TotalStages).InclusiveBetween(1, 200);
            RuleFor(c => c.Email).EmailAddress().MaximumLength(320);
            RuleFor(c => c.Phone).PhoneNumber();
            RuleFor(c => c.Timezone).TimeZone();
            RuleFor(c => c).Must(c => c.Email is not null || c.Phone is not null)
                .WithName("email").WithMessage("Give an email or a phone number so the patient can be invited.");
        }
    }

    public sealed class Handler(AppDbContext db, RequestContext context, BillingGate billing, TimeProvider clock) : ICommandHandler<Command, PatientResponse>
    {
        public async ValueTask<PatientResponse> Handle(Command command, CancellationToken ct)
        {
            await billing.EnsureRoomForPatientAsync(ct);
            await PatientRules.EnsureDoctorAsync(db, command.DoctorId, ct);
            PatientRules.EnsureStages(command.CurrentStage ?? 1, command.TotalStages ?? 1);
            var now = clock.UtcNow();
            var patient = new Patient
            {
                PracticeId = context.RequirePractice(),
                FirstName = command.FirstName.Trim(),
                LastName = command.LastName.Trim(),
                DateOfBirth = command.DateOfBirth!.Value,
                DoctorId = command.DoctorId,
                TreatmentType = command.TreatmentType ?? TreatmentType.ClearAligners,
                AlignerBrand = command.AlignerBrand?.Trim(),
                CurrentStage = command.CurrentStage ?? 1,
                TotalStages = command.TotalStages ?? 1,
                ScanFrequency = command.ScanFrequency ?? ScanFrequency.Weekly,
                Email = command.Email?.Trim(),
                Phone = command.Phone,
                Timezone = command.Timezone ?? "UTC",
                PreferredLanguage = command.PreferredLanguage ?? PreferredLanguage.En,
                ResearchConsent = command.ResearchConsent,
                ResearchConsentAt = command.ResearchConsent ? now : null,
                ResearchConsentRecordedBy = command.ResearchConsent ? context.UserId : null,
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Patients.Add(patient);
            await db.SaveChangesAsync(ct);
            return PatientResponse.From(patient, clock.UtcToday());
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost($"{Routes.V1}/patients", async (Command command, ISender sender, CancellationToken ct) =>
                {
                    var patient = await sender.Send(command, ct);
                    return Results.Created($"{Routes.V1}/patients/{patient.Id}", patient);
                })
                .WithTags("Patients").WithName("CreatePatient").RequireAuthorization()
                .WithSummary("Create a patient")
                .WithDescription(
                    "Adds a patient to the caller's practice; an email or a phone number is needed to invite them to the app later. " +
                    "Left-out fields default to clear aligners, stage 1 of 1, weekly scans, UTC and English. 422 when `doctorId` is " +
                    "not a doctor of this practice or the current stage is after the last one; 409 `plan-limit-reached` when the plan's " +
                    "patients in treatment are all taken; 402 `subscription-restricted` when the subscription is past due beyond its grace.")
                .WithRequestExample(new Command(
                    "Ada", "Lovelace", new DateOnly(1990, 4, 12), DoctorId: new Guid("0195f3a2-8d40-7e21-b5c2-6a1f0e9d3c20"), TreatmentType.ClearAligners,
                    "Invisalign", CurrentStage: 2, TotalStages: 20, ScanFrequency.Weekly, "ada.lovelace@example.com", "+447700900123", "Europe/London",
                    PreferredLanguage.En, ResearchConsent: true))
                .Produces<PatientResponse>(StatusCodes.Status201Created).ProducesValidationProblem()
                .ProducesProblem(StatusCodes.Status402PaymentRequired).ProducesProblem(StatusCodes.Status403Forbidden)
                .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }
}
