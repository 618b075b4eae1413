namespace OrthoScan.Api.Features.Tagging;

/// <summary>
/// The tag vocabulary the review screen offers, with the words it shows: scores (range, a label per value, whether not
/// applicable is allowed), core detail tags, the practice's own, locations, actions and the hold-day limits.
/// </summary>
public static class GetTaxonomy
{
    [RequiresRole(Role.Owner, Role.Doctor, Role.Staff)]
    public sealed record Query : IQuery<Response>;

    public sealed record Response(
        string Version, IReadOnlyList<Taxonomy.Score> Scores, IReadOnlyList<Taxonomy.Term> DetailTags, IReadOnlyList<Taxonomy.Term> CustomDetailTags,
        IReadOnlyList<Taxonomy.Term> Locations, string ToothNumbering, IReadOnlyList<Taxonomy.ActionTerm> Actions, Taxonomy.DayRange HoldDays);

    public sealed class Handler(AppDbContext db) : IQueryHandler<Query, Response>
    {
        public async ValueTask<Response> Handle(Query query, CancellationToken ct)
        {
            var settings = await db.Practices.AsNoTracking().Select(p => p.Settings).SingleAsync(ct);
            return new Response(Taxonomy.Version, Taxonomy.Scores, Taxonomy.CoreDetailTags, Taxonomy.CustomDetailTagsFor(settings),
                Taxonomy.Locations, Taxonomy.ToothNumbering, Taxonomy.Actions, Taxonomy.HoldDays);
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/tags/taxonomy", async (ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new Query(), ct)))
                .WithTags("Tagging").WithName("GetTaxonomy").RequireAuthorization().Produces<Response>()
                .WithSummary("Get the tag taxonomy")
                .WithDescription(
                    "The vocabulary a review uses: the taxonomy version, the scores and their ranges, the core and the practice's " +
                    "own detail tags, the regions and the tooth numbering (FDI). Tag scans with the version answered here.");
    }
}
