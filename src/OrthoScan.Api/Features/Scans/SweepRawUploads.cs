using Microsoft.Extensions.Options;
using OrthoScan.Api.Infrastructure.Audit;
using OrthoScan.Api.Infrastructure.Jobs;
using OrthoScan.Api.Infrastructure.Storage;

namespace OrthoScan.Api.Features.Scans;

/// <summary>
/// Recurring (<see cref="JobScheduler"/>, once across instances): deletes every raw upload older than
/// <see cref="JobsOptions.RawUploadMaxAge"/>, whatever became of its scan (processed, failed, abandoned, never sent), so a
/// photo as sent, GPS and all, never outlives processing by long. Walks the raw_uploads ledger (not tenant data); for each
/// upload it deletes the object (nothing if already gone), then, inside the upload's practice, clears the image's
/// upload_key if it still points there, audits it and drops the ledger row. Safe to run twice at once.
/// </summary>
public static class SweepRawUploads
{
    public const string Kind = "scans.sweep-raw-uploads";
    public const string Schedule = "raw-upload-sweep";
    private const int BatchSize = 200;

    /// <summary>A job of no single practice: each upload is cleared inside its own practice, in a scope of its own.</summary>
    [JobKind(Kind), Schedule(Schedule, nameof(JobsOptions.RawUploadSweepEvery))]
    public sealed record Command : ICommand, IJobCommand;

    public sealed class Handler(AppDbContext db, IServiceScopeFactory scopes, IBlobStore store, TimeProvider clock, IOptions<JobsOptions> options,
        ILogger<Handler> logger) : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            var cutoff = clock.UtcNow() - options.Value.RawUploadMaxAge;
            var swept = 0;
            List<RawUpload> due;
            do
            {
                due = await db.RawUploads.AsNoTracking().Where(u => u.CreatedAt < cutoff).OrderBy(u => u.CreatedAt).ThenBy(u => u.Key)
                    .Take(BatchSize).ToListAsync(cancellationToken);
                foreach (var upload in due) await SweepAsync(upload, cancellationToken);
                swept += due.Count;
            }
            while (due.Count == BatchSize);
            logger.LogInformation("Swept {Count} raw upload(s) created before {Cutoff:o}", swept, cutoff);
            return Unit.Value;
        }

        private async Task SweepAsync(RawUpload upload, CancellationToken ct)
        {
            if (BlobKeys.IsValid(upload.Key)) await store.DeleteAsync(upload.Key, ct);
            await using var scope = scopes.CreateAsyncScope();
            var services = scope.ServiceProvider;
            var tenantDb = services.GetRequiredService<AppDbContext>();
            if (RawUpload.PracticeOf(upload.Key) is { } practiceId)
                await services.GetRequiredService<TenantScope>().EnterPracticeAsWorkerAsync(practiceId, ct);
            await using var transaction = await tenantDb.Database.BeginTransactionAsync(ct);
            var cleared = await tenantDb.ScanImages.Where(i => i.Id == upload.ImageId && i.UploadKey == upload.Key)
                .ExecuteUpdateAsync(set => set.SetProperty(i => i.UploadKey, (string?)null), ct);
            if (cleared > 0) await services.GetRequiredService<AuditWriter>().WriteAsync("Scans.SweepRawUploads", new AuditRecord("scan_image", upload.ImageId), ct);
            await tenantDb.RawUploads.Where(u => u.Key == upload.Key).ExecuteDeleteAsync(ct);
            await transaction.CommitAsync(ct);
        }
    }
}
