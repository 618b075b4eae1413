using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using OrthoScan.Api.Infrastructure.Jobs;
using OrthoScan.Api.Infrastructure.Storage;

namespace OrthoScan.Api.Features.Exports;

/// <summary>
/// A platform admin starts a de-identified training-data export: the request only records it and queues the
/// <c>tags.export</c> job (<see cref="RunTagExport"/>), which does the work off the request path; the admin polls it. The
/// Idempotency-Key header makes a retry answer the first export. Audited in the platform chain like every platform action.
/// </summary>
public static class StartTagExport
{
    public const int DefaultK = 5;
    public const int MaxK = 50;
    public const int MaxSeed = 999_999_999;

    [RequiresRole(Role.PlatformAdmin)]
    public sealed record Command(string? IdempotencyKey, bool? IncludeImages, bool? IncludeFrontal, int? Seed, int? K)
        : ICommand<ExportView>, IAudited<ExportView>
    {
        public AuditRecord Audit(ExportView response) => new("tag_export", response.Id);
    }

    /// <param name="IncludeImages">Default true.</param>
    /// <param name="IncludeFrontal">Default false: frontal views show the face.</param>
    /// <param name="Seed">0 to 999,999,999; fixes the train/validation/test split; random when left out, and answered either way.</param>
    /// <param name="K">The k-anonymity threshold, 5 (default) to 50.</param>
    public sealed record Body(bool? IncludeImages, bool? IncludeFrontal, int? Seed, int? K);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.IdempotencyKey).IdempotencyKey();
            RuleFor(c => c.K).InclusiveBetween(OrthoScan.Ml.Datasets.KAnonymity.MinimumK, MaxK);
            RuleFor(c => c.Seed).InclusiveBetween(0, MaxSeed);
            RuleFor(c => c.IncludeFrontal).Must((c, frontal) => frontal != true || c.IncludeImages != false)
                .WithMessage("Frontal views are images: include images to include them.");
        }
    }

    public sealed class Handler(AppDbContext db, RequestContext context, IJobQueue jobs, BlobUrlSigner signer, TimeProvider clock)
        : ICommandHandler<Command, ExportView>
    {
        public async ValueTask<ExportView> Handle(Command command, CancellationToken ct)
        {
            var admin = context.UserId!.Value;
            var requestHash = SHA256.HashData(Encoding.UTF8.GetBytes($"{command.IncludeImages}|{command.IncludeFrontal}|{command.Seed}|{command.K}"));
            if (command.IdempotencyKey is { Length: > 0 } key)
            {
                // Concurrent retries with one key wait here for each other, so only the first inserts.
                await db.LockForTransactionAsync(LockSpace.ExportIdempotencyKeys, $"{admin}|{key}", ct);
                var existing = await db.TagExports.AsNoTracking().SingleOrDefaultAsync(e => e.RequestedBy == admin && e.IdempotencyKey == key, ct);
                if (existing is not null)
                {
                    if (!existing.RequestHash!.SequenceEqual(requestHash))
                        throw new RuleViolationException("idempotency-key-reused", "This Idempotency-Key was used for a different export.", "Use a new key for a new export.");
                    return ExportViews.ToView(existing, signer, admin, clock.UtcNow());
                }
            }

            var export = new TagExport
            {
                RequestedBy = admin,
                IdempotencyKey = command.IdempotencyKey is { Length: > 0 } ? command.IdempotencyKey : null,
                RequestHash = requestHash,
                IncludeImages = command.IncludeImages ?? true,
                IncludeFrontal = command.IncludeFrontal ?? false,
                Seed = command.Seed ?? RandomNumberGenerator.GetInt32(MaxSeed + 1),
                K = command.K ?? DefaultK,
                CreatedAt = clock.UtcNow(),
            };
            db.TagExports.Add(export);
            await jobs.EnqueueAsync(new RunTagExport.Command(export.Id), cancellationToken: ct);
            await db.SaveChangesAsync(ct);
            return ExportViews.ToView(export, signer, admin, clock.UtcNow());
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost($"{Routes.V1}/tags/export", async ([FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, Body body, ISender sender, CancellationToken ct) =>
                {
                    var export = await sender.Send(new Command(idempotencyKey, body.IncludeImages, body.IncludeFrontal, body.Seed, body.K), ct);
                    return Results.Created($"{Routes.V1}/tags/export/{export.Id}", export);
                })
                .WithTags("Exports").WithName("StartTagExport").RequireAuthorization()
                .WithSummary("Start a de-identified training-data export (platform admin)")
                .WithDescription(
                    "Queues an export of the tag sets of practices that share de-identified data and of patients who gave research " +
                    "consent, as one ZIP (tagsets.csv, tagsets.jsonl, manifest.json, DATASET.md, label-studio.json and, unless " +
                    "`includeImages` is false, EXIF-free images per split). No names, contact details, dates of birth, notes or calendar " +
                    "dates; random export ids; combinations of age band, treatment type, aligner brand and practice region shared by " +
                    "fewer than `k` patients are generalised or suppressed. Frontal views (faces) only with `includeFrontal`. The same " +
                    "`seed` gives the same split. Poll GET /tags/export/{id} for progress and the download link. An `Idempotency-Key` " +
                    "header makes a retry answer the first export; the same key with another body answers 422 `idempotency-key-reused`.")
                .WithRequestExample(new Body(true, false, 1234, 5))
                .WithResponseExample(ExportViews.Example with { Status = TagExportStatus.Queued, Progress = new ExportProgress(0, 0, 0, 0), Report = null, DownloadUrl = null, DownloadExpiresAt = null, SizeBytes = null, StartedAt = null, CompletedAt = null }, StatusCodes.Status201Created)
                .Produces<ExportView>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden)
                .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }
}
