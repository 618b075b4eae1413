namespace OrthoScan.Api.Features.Practices;

/// <summary>The owner's view of the practice's settings: where it is, its time zone, billing email and data-use choices.</summary>
public static class GetPracticeSettings
{
    [RequiresRole(Role.Owner)]
    public sealed record Query : IQuery<PracticeSettingsResponse>;

    public sealed class Handler(AppDbContext db) : IQueryHandler<Query, PracticeSettingsResponse>
    {
        public async ValueTask<PracticeSettingsResponse> Handle(Query query, CancellationToken ct) =>
            await PracticeSettingsResponse.ReadAsync(db, ct);
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/practice/settings", async (ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new Query(), ct)))
                .WithTags("Practice").WithName("GetPracticeSettings").RequireAuthorization()
                .WithSummary("Get the practice's settings")
                .WithDescription(
                    "Country and region, time zone, billing email, and the two data-use choices (sharing de-identified data for " +
                    "research, sending photos to an external AI service), both off until the owner turns them on; each says who " +
                    "last changed it and when.")
                .WithResponseExample(Example)
                .Produces<PracticeSettingsResponse>().ProducesProblem(StatusCodes.Status403Forbidden);
    }

    internal static readonly PracticeSettingsResponse Example = new(
        Guid.Parse("019aa3c0-5e1b-7c41-9d2e-3f4a5b6c7d8e"), "Smile Orthodontics", "GB", "England", "Europe/London", "accounts@smile-ortho.example",
        new PracticeSettingsResponse.DataChoice(false, null, null),
        new PracticeSettingsResponse.DataChoice(true, "Dr Ada Owner", new DateTime(2026, 12, 1, 9, 30, 0, DateTimeKind.Utc)));
}
