namespace OrthoScan.Api.Features.Patients;

/// <summary>Archiving keeps the record (retention rules apply) but ends the patient's app sessions and hides it from work lists.</summary>
public static class ArchivePatient
{
    [RequiresRole(Role.Owner, Role.Doctor, Role.Staff)]
    public sealed record Command(Guid Id) : ICommand<PatientResponse>, IAudited<PatientResponse>
    {
        public AuditRecord Audit(PatientResponse response) => new("patient", Id);
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Id).NotEmpty();
    }

    public sealed class Handler(AppDbContext db, SessionIssuer sessions, TimeProvider clock) : ICommandHandler<Command, PatientResponse>
    {
        public async ValueTask<PatientResponse> Handle(Command command, CancellationToken ct)
        {
            var patient = await db.Patients.SingleOrDefaultAsync(p => p.Id == command.Id, ct) ?? throw new NotFoundException("patient");
            PatientRules.EnsureNotErased(patient);
            var now = clock.UtcNow();
            patient.Status = PatientStatus.Archived;
            patient.UpdatedAt = now;
            await sessions.RevokeAsync(t => t.PatientId == patient.Id, ct);
            await db.SaveChangesAsync(ct);
            return PatientResponse.From(patient, clock.UtcToday());
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost($"{Routes.V1}/patients/{{id:guid}}/archive", async (Guid id, ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new Command(id), ct)))
                .WithTags("Patients").WithName("ArchivePatient").RequireAuthorization()
                .WithSummary("Archive a patient")
                .WithDescription(
                    "Keeps the record (retention rules apply) but ends the patient's app sessions and hides them from work lists. " +
                    "Archiving an archived patient changes nothing.")
                .Produces<PatientResponse>().ProducesProblem(StatusCodes.Status404NotFound);
    }
}
