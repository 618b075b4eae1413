using System.Text.Json;
using Microsoft.Extensions.Options;
using OrthoScan.Api.Infrastructure.Jobs;
using OrthoScan.Api.Infrastructure.Storage;
using OrthoScan.Ml.Datasets;

namespace OrthoScan.Api.Features.Exports;

/// <summary>
/// The <c>tags.export</c> job: counts the eligible tag sets, plans k-anonymity, streams the rows through the dataset writer
/// into a ZIP in a temporary file, then puts it into the blob store under <c>exports/</c>. Progress lands in tag_exports
/// every <see cref="ExportOptions.ProgressEveryRows"/> rows. A job of no single practice (it reads through the platform read path), so it
/// runs without a transaction of its own. Run again after a crash or a lost lease, it starts the file over; once the export
/// is completed or failed it does nothing. When it dies for good the export is marked failed with a reason the admin can read.
/// </summary>
public static class RunTagExport
{
    public const string Kind = "tags.export";
    public const string BlobPrefix = "exports";

    [JobKind(Kind)]
    public sealed record Command(Guid ExportId) : ICommand, IJobCommand;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.ExportId).NotEmpty();
    }

    public sealed class Handler(
        AppDbContext db, TagDataset dataset, IBlobStore store, IServiceScopeFactory scopes, IOptions<ExportOptions> exportOptions, TimeProvider clock,
        ILogger<Handler> logger)
        : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken ct)
        {
            var export = await db.TagExports.SingleOrDefaultAsync(e => e.Id == command.ExportId, ct) ?? throw new NotFoundException("export");
            if (export.Status is TagExportStatus.Completed or TagExportStatus.Failed) return Unit.Value;
            export.Status = TagExportStatus.Running;
            export.StartedAt ??= clock.UtcNow();
            (export.TagSetsWritten, export.ImagesWritten) = (0, 0);
            await db.SaveChangesAsync(ct);

            await using var planned = await dataset.PlanAsync(export.K, ct);
            export.TagSetsTotal = planned.TagSets;
            await db.SaveChangesAsync(ct);

            var options = new DatasetOptions(export.Seed, export.IncludeImages, export.IncludeFrontal, export.K, TagDataset.GeneratorVersion);
            var progress = new LatestProgress();
            var file = Path.Combine(Path.GetTempPath(), $"orthoscan-export-{export.Id:N}-{Guid.NewGuid():N}.zip");
            try
            {
                await using var zip = new FileStream(file, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
                var report = await dataset.WriteAsync(zip, options, planned, progress,
                    (rowsRead, token) => SaveProgressAsync(export.Id, rowsRead, progress.Latest?.ImagesWritten ?? 0, token), exportOptions.Value.ProgressEveryRows, ct);
                var size = zip.Length;
                zip.Position = 0;
                var key = $"{BlobPrefix}/{export.Id:N}.zip";
                await store.PutAsync(key, zip, "application/zip", ct);

                export.Status = TagExportStatus.Completed;
                export.TagSetsWritten = report.TagSets;
                export.ImagesWritten = report.Images;
                export.Report = JsonSerializer.Serialize(ExportReport.From(report), JobPayload.Json);
                export.BlobKey = key;
                export.SizeBytes = size;
                export.CompletedAt = clock.UtcNow();
                await db.SaveChangesAsync(ct);
                logger.LogInformation("Export {ExportId} completed: {TagSets} tag sets, {Images} images, {Bytes} bytes", export.Id, report.TagSets, report.Images, size);
            }
            finally
            {
                File.Delete(file); // DeleteOnClose did it already, unless the stream never opened
            }
            return Unit.Value;
        }

        /// <summary>
        /// While running, the rows handed to the writer (suppressed ones included, so the bar reaches the count); once completed,
        /// the tag sets written. On a connection of its own: the export's reader holds the other one.
        /// </summary>
        private async Task SaveProgressAsync(Guid exportId, long rowsRead, long imagesWritten, CancellationToken ct)
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<AppDbContext>().TagExports.Where(e => e.Id == exportId && e.Status == TagExportStatus.Running)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.TagSetsWritten, rowsRead).SetProperty(e => e.ImagesWritten, imagesWritten), ct);
        }
    }

    /// <summary>The writer reports its images synchronously; the rows' reader saves the latest count between rows.</summary>
    private sealed class LatestProgress : IProgress<DatasetProgress>
    {
        private DatasetProgress? _latest;

        public DatasetProgress? Latest => Volatile.Read(ref _latest);

        public void Report(DatasetProgress value) => Volatile.Write(ref _latest, value);
    }

    /// <summary>An export whose job will not run again is failed, in words the admin can act on (never the exception's text).</summary>
    public sealed class Failure(AppDbContext db, TimeProvider clock) : IJobDeadLetter<Command>
    {
        public async Task OnDeadAsync(Command job, JobContext context, DeadLetter deadLetter, CancellationToken ct)
        {
            var error = deadLetter.Reason switch
            {
                DeadReason.Abandoned => "The export stopped while it ran (its worker was stopped or ran out of memory) and was not tried again. Start a new export.",
                DeadReason.Refused => "The export was refused: its options are not valid. Start a new export.",
                _ => $"The export failed on every attempt (last error: {deadLetter.ErrorType?.Split('.', '+').Last() ?? "unknown"}). Start a new export, or ask an engineer to look at the worker's log.",
            };
            await db.TagExports.Where(e => e.Id == job.ExportId && (e.Status == TagExportStatus.Queued || e.Status == TagExportStatus.Running))
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, TagExportStatus.Failed).SetProperty(e => e.Error, error)
                    .SetProperty(e => e.CompletedAt, clock.UtcNow()), ct);
        }

        public JobSubject? SubjectOf(Command job) => new("tag_export", job.ExportId);

        public Task<bool> ReopenAsync(Command job, CancellationToken ct) => Task.FromResult(false);
    }
}
