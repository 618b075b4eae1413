namespace OrthoScan.Api.Features.Patients;

/// <summary>Issues a one-time app activation code for the patient; shown to staff now, sent by SMS or email once messaging lands.</summary>
public static class InvitePatient
{
    [RequiresRole(Role.Owner, Role.Doctor, Role.Staff)]
    public sealed record Command(Guid Id) : ICommand<Response>, IAudited<Response>
    {
        public AuditRecord Audit(Response response) => new("patient", Id);
    }

    public sealed record Response(Guid PatientId, string Code, DateTime ExpiresAt);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Id).NotEmpty();
    }

    public sealed class Handler(AppDbContext db, InvitationCodes codes) : ICommandHandler<Command, Response>
    {
        public async ValueTask<Response> Handle(Command command, CancellationToken ct)
        {
            var patient = await db.Patients.AsNoTracking().SingleOrDefaultAsync(p => p.Id == command.Id, ct) ?? throw new NotFoundException("patient");
            PatientRules.EnsureNotErased(patient);
            if (patient.Status == PatientStatus.Archived)
                throw new ConflictException("patient-archived", "This patient is archived.", "Archived patients cannot be invited to the app.");
            var code = await codes.IssueAsync(OneTimeCodePurpose.PatientInvitation, patient.Id, ct);
            return new Response(patient.Id, code.Code, code.ExpiresAt);
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost($"{Routes.V1}/patients/{{id:guid}}/invite", async (Guid id, ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new Command(id), ct)))
                .WithTags("Patients").WithName("InvitePatient").RequireAuthorization()
                .WithSummary("Issue a patient app activation code")
                .WithDescription(
                    "A one-time code, shown here with its expiry, that the patient enters in the app (POST /auth/patient/activate). " +
                    "409 `patient-archived` for an archived patient.")
                .Produces<Response>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }
}
