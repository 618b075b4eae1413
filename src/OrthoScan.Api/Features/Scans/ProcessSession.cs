using OrthoScan.Api.Infrastructure.Audit;
using System.Text.Json;
using OrthoScan.Api.Infrastructure.Imaging;
using OrthoScan.Api.Infrastructure.Jobs;
using OrthoScan.Api.Infrastructure.Storage;

namespace OrthoScan.Api.Features.Scans;

/// <summary>
/// Worker side of a submitted scan: each new upload is checked, de-EXIFed into three sizes and scored; the raw
/// upload is deleted; the session becomes ready, or needs_retake naming the views and why. Safe to run again:
/// derivative keys are fixed per image and a session that is no longer processing is left alone.
/// </summary>
public static class ProcessSession
{
    public const string Kind = "scans.process-session";
    public const int RetakeBelowScore = 50;
    public const int DuplicateDistance = 6;

    public sealed record Payload(Guid PracticeId, Guid SessionId);

    public sealed class Handler(Processor processor, IServiceScopeFactory scopes) : IJobHandler
    {
        public string Kind => ProcessSession.Kind;

        public async Task HandleAsync(JsonElement payload, JobContext context, CancellationToken cancellationToken)
        {
            var work = payload.Read<Payload>();
            try
            {
                await processor.RunAsync(work, cancellationToken);
            }
            catch (Exception) when (context.IsLastAttempt)
            {
                // The job is about to be dead-lettered: never leave the patient's scan stuck in processing.
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<Processor>().GiveUpAsync(work, CancellationToken.None);
                throw;
            }
        }
    }

    public sealed class Processor(
        AppDbContext db, TenantScope tenant, IBlobStore store, ImageProcessor images, AuditWriter audit, TimeProvider clock, ILogger<Processor> logger)
    {
        public async Task RunAsync(Payload payload, CancellationToken ct)
        {
            await tenant.EnterPracticeAsWorkerAsync(payload.PracticeId, ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var session = await db.ScanSessions.SingleOrDefaultAsync(s => s.Id == payload.SessionId, ct);
            if (session is not { Status: ScanSessionStatus.Processing })
            {
                logger.LogInformation("Session {SessionId} is not processing; nothing to do", payload.SessionId);
                return;
            }

            var sessionImages = await db.ScanImages.Where(i => i.SessionId == session.Id).ToListAsync(ct);
            var uploaded = sessionImages.Where(i => i.Status == ScanImageStatus.Uploaded).ToList();
            foreach (var image in uploaded) await ProcessImageAsync(session, image, ct);
            MarkDuplicates(sessionImages);

            session.Status = sessionImages.Any(i => i.RetakeReasons.Count > 0) ? ScanSessionStatus.NeedsRetake : ScanSessionStatus.Ready;
            session.ProcessedAt = clock.UtcNow();
            await db.SaveChangesAsync(ct);
            await audit.WriteAsync("Scans.ProcessSession", new AuditRecord("scan_session", session.Id), ct);
            await transaction.CommitAsync(ct);

            // Only once the derivatives are recorded: a crash before this point leaves the upload for the retry.
            foreach (var image in uploaded.Where(i => i.UploadKey is not null)) await store.DeleteAsync(image.UploadKey!, ct);
        }

        /// <summary>After the last failed attempt: the views still waiting are asked for again.</summary>
        public async Task GiveUpAsync(Payload payload, CancellationToken ct)
        {
            await tenant.EnterPracticeAsWorkerAsync(payload.PracticeId, ct);
            var session = await db.ScanSessions.SingleOrDefaultAsync(s => s.Id == payload.SessionId, ct);
            if (session is not { Status: ScanSessionStatus.Processing }) return;
            foreach (var image in await db.ScanImages.Where(i => i.SessionId == session.Id && i.Status == ScanImageStatus.Uploaded).ToListAsync(ct))
                Reject(image, "processing_failed");
            session.Status = ScanSessionStatus.NeedsRetake;
            session.ProcessedAt = clock.UtcNow();
            await db.SaveChangesAsync(ct);
            logger.LogError("Gave up processing session {SessionId}; the patient is asked to send the photos again", session.Id);
        }

        private async Task ProcessImageAsync(ScanSession session, ScanImage image, CancellationToken ct)
        {
            var bytes = await ReadUploadAsync(image, ct);
            image.ProcessedAt = clock.UtcNow();
            if (bytes is null)
            {
                Reject(image, "upload_missing");
                return;
            }

            ProcessedImage result;
            try
            {
                result = images.Process(bytes);
            }
            catch (ImageRejectedException rejected)
            {
                Reject(image, rejected.Reason);
                return;
            }

            var prefix = $"practices/{session.PracticeId}/patients/{session.PatientId}/sessions/{session.Id}/{image.Id}";
            image.FullKey = await PutAsync($"{prefix}/full.jpg", result.Full, result.ContentType, ct);
            image.DisplayKey = await PutAsync($"{prefix}/display.jpg", result.Display, result.ContentType, ct);
            image.ThumbnailKey = await PutAsync($"{prefix}/thumbnail.jpg", result.Thumbnail, result.ContentType, ct);
            image.Width = result.Width;
            image.Height = result.Height;
            image.CapturedAt = result.Exif.CapturedAt;
            image.DeviceMake = result.Exif.DeviceMake;
            image.DeviceModel = result.Exif.DeviceModel;
            image.QualityScore = result.Quality.Score;
            image.QualityIssues = [.. result.Quality.Reasons];
            image.PerceptualHash = unchecked((long)result.PerceptualHash);
            // A hard problem (too small, too dark or bright, blurred) asks for a retake by itself, whatever the score.
            image.RetakeReasons = result.Quality.Reasons.Count > 0 ? [.. result.Quality.Reasons] : result.Quality.Score < RetakeBelowScore ? ["poor_quality"] : [];
            image.Status = ScanImageStatus.Processed;
        }

        /// <summary>Reads at most one byte past the limit: with S3 only the signed length bounded what was stored.</summary>
        private async Task<byte[]?> ReadUploadAsync(ScanImage image, CancellationToken ct)
        {
            if (image.UploadKey is null) return null;
            await using var stream = await store.OpenReadAsync(image.UploadKey, ct);
            if (stream is null) return null;
            var limit = images.Limits.MaxBytes + 1;
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while (buffer.Length < limit && (read = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit - buffer.Length)), ct)) > 0)
                buffer.Write(chunk, 0, read);
            return buffer.ToArray();
        }

        private async Task<string> PutAsync(string key, byte[] content, string contentType, CancellationToken ct)
        {
            using var stream = new MemoryStream(content, writable: false);
            await store.PutAsync(key, stream, contentType, ct);
            return key;
        }

        private static void Reject(ScanImage image, string reason)
        {
            image.Status = ScanImageStatus.Rejected;
            image.RetakeReasons = [reason];
        }

        /// <summary>The same photo sent for two views: both must be taken again.</summary>
        private static void MarkDuplicates(List<ScanImage> sessionImages)
        {
            var hashed = sessionImages.Where(i => i is { Status: ScanImageStatus.Processed, PerceptualHash: not null }).ToList();
            foreach (var a in hashed)
            {
                foreach (var b in hashed.Where(b => b.Id != a.Id))
                {
                    if (ImageProcessor.HammingDistance(unchecked((ulong)a.PerceptualHash!.Value), unchecked((ulong)b.PerceptualHash!.Value)) > DuplicateDistance) continue;
                    if (!a.RetakeReasons.Contains("duplicate_view")) a.RetakeReasons = [.. a.RetakeReasons, "duplicate_view"];
                }
            }
        }
    }
}
