using OrthoScan.Api.Infrastructure.Storage;

namespace OrthoScan.Api.Features.Exports;

/// <summary>
/// An export's state for the admin who polls it: status, progress, the de-identification report once completed, and then a
/// download link minted for this read (it lives five minutes; read again for a fresh one).
/// </summary>
public static class GetTagExport
{
    [RequiresRole(Role.PlatformAdmin)]
    public sealed record Query(Guid Id) : IQuery<ExportView>, IAudited<ExportView>
    {
        public AuditRecord Audit(ExportView response) => new("tag_export", response.Id);
    }

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => RuleFor(q => q.Id).NotEmpty();
    }

    public sealed class Handler(AppDbContext db, RequestContext context, BlobUrlSigner signer, TimeProvider clock) : IQueryHandler<Query, ExportView>
    {
        public async ValueTask<ExportView> Handle(Query query, CancellationToken ct)
        {
            var export = await db.TagExports.AsNoTracking().SingleOrDefaultAsync(e => e.Id == query.Id, ct) ?? throw new NotFoundException("export");
            return ExportViews.ToView(export, signer, context.UserId, clock.UtcNow());
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/tags/export/{{id:guid}}", async (Guid id, ISender sender, CancellationToken ct) =>
                    Results.Ok(await sender.Send(new Query(id), ct)))
                .WithTags("Exports").WithName("GetTagExport").RequireAuthorization()
                .WithSummary("An export's progress and download link (platform admin)")
                .WithDescription(
                    "Status (`queued`, `running`, `completed`, `failed`), progress (tag sets written of those counted, images), and once " +
                    "completed the de-identification report (patients generalised and suppressed for k-anonymity, patients per split) " +
                    "and `downloadUrl`: a signed link to the ZIP that expires at `downloadExpiresAt` (five minutes); each read mints a " +
                    "fresh one. Every download is audited. A failed export says why in `error`.")
                .WithResponseExample(ExportViews.Example)
                .Produces<ExportView>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
    }
}
