using OrthoScan.Api.Infrastructure.Ai;
using OrthoScan.Ml.Models;

namespace OrthoScan.Api.Features.Ai;

/// <summary>
/// Which suggester the caller's practice gets (openai only with external AI processing on; a platform admin, who has no
/// practice, sees the local one) and the card of the loaded ML.NET model: version, when it was trained, and its evaluation
/// on the test split beside the majority-class baseline. No patient data.
/// </summary>
public static class GetModel
{
    [RequiresRole(Role.Owner, Role.Doctor, Role.Staff, Role.PlatformAdmin)]
    public sealed record Query : IQuery<Response>;

    public sealed record Response(string Suggester, string Notice, ModelCard? Card);

    public sealed class Handler(AppDbContext db, RequestContext context, TagSuggesters suggesters) : IQueryHandler<Query, Response>
    {
        public async ValueTask<Response> Handle(Query query, CancellationToken ct)
        {
            var externalAi = context.PracticeId is { } practiceId
                             && await db.Practices.AsNoTracking().Where(p => p.Id == practiceId).Select(p => p.Settings.ExternalAiProcessing).SingleAsync(ct);
            return new Response(suggesters.NameFor(externalAi), AiTaxonomy.Notice, suggesters.Card);
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/ai/model", async (ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new Query(), ct)))
                .WithTags("AI").WithName("GetAiModel").RequireAuthorization()
                .WithSummary("The suggestion model")
                .WithDescription(
                    "The suggester that proposes tags on the caller's practice's ready scans (`mlnet`, `openai` only for a practice " +
                    "with external AI processing on, or `none`), the non-diagnostic notice that goes with every suggestion, and the " +
                    "card of the loaded ML.NET model (null when none is loaded): version, training date and its evaluation beside a " +
                    "majority-class baseline.")
                .Produces<Response>()
                .WithResponseExample(new Response("mlnet", AiTaxonomy.Notice, new ModelCard(
                    "orthoscan-mlnet", "2026.12.07-1", new DateTime(2026, 12, 7, 5, 0, 0, DateTimeKind.Utc), Taxonomy.Version, 1200,
                    [new AttributeEvaluation("overall_tracking", 150, 0.81, 0.74, 0.62, 0.26, ["1", "2", "3"], [[80, 10, 3], [8, 30, 4], [1, 3, 11]])])));
    }
}
