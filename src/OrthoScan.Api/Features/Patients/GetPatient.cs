namespace OrthoScan.Api.Features.Patients;

public static class GetPatient
{
    [RequiresRole(Role.Owner, Role.Doctor, Role.Staff)]
    public sealed record Query(Guid Id) : IQuery<PatientResponse>, IAudited<PatientResponse>
    {
        public AuditRecord Audit(PatientResponse response) => new("patient", Id);
    }

    public sealed class Handler(AppDbContext db, TimeProvider clock) : IQueryHandler<Query, PatientResponse>
    {
        public async ValueTask<PatientResponse> Handle(Query query, CancellationToken ct)
        {
            var patient = await db.Patients.AsNoTracking().SingleOrDefaultAsync(p => p.Id == query.Id, ct) ?? throw new NotFoundException("patient");
            return PatientResponse.From(patient, clock.UtcToday());
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/patients/{{id:guid}}", async (Guid id, ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new Query(id), ct)))
                .WithTags("Patients").WithName("GetPatient").RequireAuthorization()
                .WithSummary("Get a patient")
                .WithDescription("One patient of the caller's practice.")
                .Produces<PatientResponse>().ProducesProblem(StatusCodes.Status404NotFound);
    }
}
