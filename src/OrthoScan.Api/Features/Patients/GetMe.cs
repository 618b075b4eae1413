namespace OrthoScan.Api.Features.Patients;

/// <summary>The signed-in patient's own record, as the app's home and timeline show it. The id comes from the token alone.</summary>
public static class GetMe
{
    [RequiresRole(Role.Patient)]
    public sealed record Query : IQuery<MeResponse>, IAudited<MeResponse>
    {
        public AuditRecord Audit(MeResponse response) => new("patient", response.Id);
    }

    public sealed class Handler(AppDbContext db, RequestContext context) : IQueryHandler<Query, MeResponse>
    {
        public async ValueTask<MeResponse> Handle(Query query, CancellationToken ct) =>
            await MeResponse.BuildAsync(db, await db.Patients.AsNoTracking().SingleAsync(p => p.Id == context.PatientId, ct), ct);
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/me", async (ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new Query(), ct)))
                .WithTags("Patients").WithName("GetMe").RequireAuthorization()
                .WithSummary("The signed-in patient")
                .WithDescription(
                    "Patients only: their profile, practice and doctor, treatment stage (x of y), last scan and the local day the next " +
                    "one is due, language, timezone and how they hear from OrthoScan outside the app.")
                .Produces<MeResponse>();
    }
}
