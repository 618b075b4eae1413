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
    /// <summary>The retake reason of a view whose processing never completed (the job died, or the scan waited on no job).</summary>
    public const string ProcessingFailed = "processing_failed";

    public sealed record Payload(Guid PracticeId, Guid SessionId);

    /// <summary>Runs the processing; when the job dies, however its last attempt ended, settles the scan (<see cref="Processor.GiveUpAsync"/>).</summary>
    public sealed class Handler(Processor processor) : IJobDeadLetterHandler
    {
        public string Kind => ProcessSession.Kind;

        public Task HandleAsync(JsonElement payload, JobContext context, CancellationToken cancellationToken) =>
            processor.RunAsync(payload.Read<Payload>(), cancellationToken);

        public async Task OnDeadAsync(JsonElement payload, JobContext context, DeadLetter deadLetter, CancellationToken cancellationToken)
        {
            // Without a readable payload no scan can be named here; the stuck-session sweep (SettleStuckSessions) finds it.
            if (TryRead(payload) is { } work) await processor.GiveUpAsync(work, cancellationToken, settlingJob: context.JobId);
        }

        public JobSubject? SubjectOf(JsonElement payload) => TryRead(payload) is { } work ? new JobSubject("scan_session", work.SessionId) : null;

        public async Task<bool> ReopenAsync(JsonElement payload, CancellationToken cancellationToken) =>
            TryRead(payload) is { } work && await processor.ReopenAsync(work, cancellationToken);

        private static Payload? TryRead(JsonElement payload)
        {
            try
            {
                return payload.Read<Payload>();
            }
            catch (UnreadableJobPayloadException)
            {
                return null;
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

        /// <summary>
        /// The scan's job is dead (or the stuck-session sweep found the scan waiting on no job): the views still waiting
        /// are asked for again with <see cref="ProcessingFailed"/>, which the patient sees on the scan, so it never stays
        /// processing. Left alone when it is no longer processing or another job for it is queued or running.
        /// </summary>
        /// <param name="settlingJob">The dead job being settled: it does not count as a job still working on the scan.</param>
        /// <returns>Whether the scan was settled by this call.</returns>
        public async Task<bool> GiveUpAsync(Payload payload, CancellationToken ct, Guid? settlingJob = null)
        {
            await tenant.EnterPracticeAsWorkerAsync(payload.PracticeId, ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var session = await LockSessionAsync(payload.SessionId, ct);
            if (session is not { Status: ScanSessionStatus.Processing } || await HasLiveJobAsync(session.Id, settlingJob, ct)) return false;
            foreach (var image in await db.ScanImages.Where(i => i.SessionId == session.Id && i.Status == ScanImageStatus.Uploaded).ToListAsync(ct))
                Reject(image, ProcessingFailed);
            session.Status = ScanSessionStatus.NeedsRetake;
            session.ProcessedAt = clock.UtcNow();
            await db.SaveChangesAsync(ct);
            await audit.WriteAsync("Scans.GiveUpProcessing", new AuditRecord("scan_session", session.Id), ct);
            await transaction.CommitAsync(ct);
            logger.LogError("Gave up processing session {SessionId}; the patient is asked to send the photos again", session.Id);
            return true;
        }

        /// <summary>
        /// The owner retried the dead job: the views given up with <see cref="ProcessingFailed"/> go back to processing, so
        /// the retried run processes them. Only while the patient has not started retaking any view and those uploads still
        /// exist (the raw-upload sweeper deletes them after <c>RawUploadMaxAge</c>). Runs in the owner's request and
        /// transaction, already in the practice.
        /// </summary>
        /// <returns>False when the scan is left as it is.</returns>
        public async Task<bool> ReopenAsync(Payload payload, CancellationToken ct)
        {
            var session = await LockSessionAsync(payload.SessionId, ct);
            if (session is not { Status: ScanSessionStatus.NeedsRetake }) return false;
            var images = await db.ScanImages.Where(i => i.SessionId == session.Id).ToListAsync(ct);
            var givenUp = images.Where(i => i is { Status: ScanImageStatus.Rejected, UploadKey: not null } && i.RetakeReasons.SequenceEqual([ProcessingFailed])).ToList();
            if (givenUp.Count == 0 || images.Any(i => i.Status is ScanImageStatus.AwaitingUpload or ScanImageStatus.Uploaded)) return false;
            foreach (var image in givenUp)
            {
                if (!await store.ExistsAsync(image.UploadKey!, ct)) return false;
            }
            foreach (var image in givenUp)
            {
                image.Status = ScanImageStatus.Uploaded;
                image.RetakeReasons = [];
                image.ProcessedAt = null;
            }
            session.Status = ScanSessionStatus.Processing;
            await db.SaveChangesAsync(ct);
            return true;
        }

        /// <summary>Locks the session's row for this transaction, so a give-up and a reopen happen one wholly before the other.</summary>
        private async Task<ScanSession?> LockSessionAsync(Guid sessionId, CancellationToken ct)
        {
            await db.Database.ExecuteSqlAsync($"SELECT 1 FROM scan_sessions WHERE id = {sessionId} FOR UPDATE", ct);
            return await db.ScanSessions.SingleOrDefaultAsync(s => s.Id == sessionId, ct);
        }

        private Task<bool> HasLiveJobAsync(Guid sessionId, Guid? except, CancellationToken ct) =>
            db.Jobs.FromSql($"SELECT * FROM jobs WHERE kind = {Kind} AND status IN ('queued', 'running') AND payload->>'sessionId' = {sessionId.ToString()}")
                .AnyAsync(j => except == null || j.Id != except, ct);

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
