using OrthoScan.Api.Infrastructure.Ai;
using OrthoScan.Api.Infrastructure.Audit;
using OrthoScan.Api.Infrastructure.Imaging;
using OrthoScan.Api.Infrastructure.Jobs;
using OrthoScan.Api.Infrastructure.Notifications;
using OrthoScan.Api.Infrastructure.Storage;

namespace OrthoScan.Api.Features.Scans;

/// <summary>
/// Worker side of a submitted scan (a job, enqueued by <see cref="SubmitSession"/> in the submit's transaction): each new
/// upload is checked, de-EXIFed into three sizes and scored; the raw upload is deleted; the session becomes ready, or
/// needs_retake naming the views and why; a ready session gets its AI suggestion job in the same transaction. Runs inside the scan's practice, in one transaction with its audit row. Safe to
/// run again: derivative keys are fixed per image and a session that is no longer processing is left alone.
/// </summary>
public static class ProcessSession
{
    public const string Kind = "scans.process-session";
    public const int RetakeBelowScore = 50;
    public const int DuplicateDistance = 6;
    /// <summary>The retake reason of a view whose processing never completed (the job died, or the scan waited on no job).</summary>
    public const string ProcessingFailed = "processing_failed";

    [JobKind(Kind)]
    public sealed record Command(Guid PracticeId, Guid SessionId) : ICommand<Outcome>, IPracticeJob, IAudited<Outcome>
    {
        /// <summary>A run that found the scan no longer processing (a job delivered again) touched nothing.</summary>
        public AuditRecord? Audit(Outcome outcome) => outcome == Outcome.Processed ? new AuditRecord("scan_session", SessionId) : null;
    }

    public enum Outcome { Processed, NothingToDo }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.PracticeId).NotEmpty();
            RuleFor(c => c.SessionId).NotEmpty();
        }
    }

    public sealed class Handler(
        AppDbContext db, IBlobStore store, ImageProcessor images, IJobQueue jobs, PatientNotices notices, AfterCommit afterCommit, TimeProvider clock,
        ILogger<Handler> logger)
        : ICommandHandler<Command, Outcome>
    {
        public async ValueTask<Outcome> Handle(Command command, CancellationToken ct)
        {
            var session = await db.ScanSessions.SingleOrDefaultAsync(s => s.Id == command.SessionId, ct);
            if (session is not { Status: ScanSessionStatus.Processing })
            {
                logger.LogInformation("Session {SessionId} is not processing; nothing to do", command.SessionId);
                return Outcome.NothingToDo;
            }

            var sessionImages = await db.ScanImages.Where(i => i.SessionId == session.Id).ToListAsync(ct);
            var uploaded = sessionImages.Where(i => i.Status == ScanImageStatus.Uploaded).ToList();
            foreach (var image in uploaded) await ProcessImageAsync(session, image, ct);
            MarkDuplicates(sessionImages);

            session.Status = sessionImages.Any(i => i.RetakeReasons.Count > 0) ? ScanSessionStatus.NeedsRetake : ScanSessionStatus.Ready;
            session.ProcessedAt = clock.UtcNow();
            if (session.Status == ScanSessionStatus.Ready) await jobs.EnqueueSuggestTagsAsync(session.PracticeId, session.Id, ct);
            await db.SaveChangesAsync(ct);
            await TellPatientAsync(db, notices, session, ct);

            // Only once the derivatives are committed: a crash before that leaves the upload for the retry.
            var uploadKeys = uploaded.Where(i => i.UploadKey is not null).Select(i => i.UploadKey!).ToList();
            afterCommit.Add(async token =>
            {
                foreach (var key in uploadKeys) await store.DeleteAsync(key, token);
            });
            return Outcome.Processed;
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

    /// <summary>
    /// The scan's side of the job's dead letter: when the job dies, however its last attempt ended, the scan is settled
    /// (<see cref="GiveUpAsync"/>) so it never stays processing; when the owner retries it, the scan is reopened if it
    /// still can be. The stuck-session sweep (<see cref="SettleStuckSessions"/>) settles scans the same way.
    /// </summary>
    /// <summary>
    /// The patient hears how their scan went: a retake request by any channel they allow (the app says which views and
    /// why), a scan that arrived only by push. Once per processing: a retaken scan asks again.
    /// </summary>
    private static async Task TellPatientAsync(AppDbContext db, PatientNotices notices, ScanSession session, CancellationToken ct)
    {
        var patient = await db.Patients.AsNoTracking().SingleAsync(p => p.Id == session.PatientId, ct);
        var processed = session.ProcessedAt!.Value;
        if (session.Status == ScanSessionStatus.NeedsRetake)
            await notices.QueueAsync(patient, NotificationTemplate.RetakeRequested, processed, $"retake:{session.Id}:{processed:O}", ct, session.Id);
        else
            await notices.QueueAsync(patient, NotificationTemplate.ScanReceived, processed, $"scan-received:{session.Id}", ct, session.Id, pushOnly: true);
        await db.SaveChangesAsync(ct);
    }

    public sealed class Settlement(
        AppDbContext db, TenantScope tenant, IBlobStore store, AuditWriter audit, PatientNotices notices, TimeProvider clock, ILogger<Settlement> logger)
        : IJobDeadLetter<Command>
    {
        public Task OnDeadAsync(Command job, JobContext context, DeadLetter deadLetter, CancellationToken cancellationToken) =>
            GiveUpAsync(job, cancellationToken, settlingJob: context.JobId);

        public JobSubject SubjectOf(Command job) => new("scan_session", job.SessionId);

        /// <summary>
        /// The owner retried the dead job: the views given up with <see cref="ProcessingFailed"/> go back to processing, so
        /// the retried run processes them. Only while the patient has not started retaking any view and those uploads still
        /// exist (the raw-upload sweeper deletes them after <c>RawUploadMaxAge</c>). Runs in the owner's request and
        /// transaction, already in the practice.
        /// </summary>
        /// <returns>False when the scan is left as it is.</returns>
        public async Task<bool> ReopenAsync(Command job, CancellationToken cancellationToken)
        {
            var session = await LockSessionAsync(job.SessionId, cancellationToken);
            if (session is not { Status: ScanSessionStatus.NeedsRetake }) return false;
            var images = await db.ScanImages.Where(i => i.SessionId == session.Id).ToListAsync(cancellationToken);
            var givenUp = images.Where(i => i is { Status: ScanImageStatus.Rejected, UploadKey: not null } && i.RetakeReasons.SequenceEqual([ProcessingFailed])).ToList();
            if (givenUp.Count == 0 || images.Any(i => i.Status is ScanImageStatus.AwaitingUpload or ScanImageStatus.Uploaded)) return false;
            foreach (var image in givenUp)
            {
                if (!await store.ExistsAsync(image.UploadKey!, cancellationToken)) return false;
            }
            foreach (var image in givenUp)
            {
                image.Status = ScanImageStatus.Uploaded;
                image.RetakeReasons = [];
                image.ProcessedAt = null;
            }
            session.Status = ScanSessionStatus.Processing;
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }

        /// <summary>
        /// The scan's job is dead (or the stuck-session sweep found the scan waiting on no job): the views still waiting
        /// are asked for again with <see cref="ProcessingFailed"/>, which the patient sees on the scan, so it never stays
        /// processing. Left alone when it is no longer processing or another job for it is queued or running. Enters the
        /// scan's practice and commits in a transaction of its own (the sweep calls it from no practice).
        /// </summary>
        /// <param name="settlingJob">The dead job being settled: it does not count as a job still working on the scan.</param>
        /// <returns>Whether the scan was settled by this call.</returns>
        public async Task<bool> GiveUpAsync(Command job, CancellationToken ct, Guid? settlingJob = null)
        {
            await tenant.EnterPracticeAsWorkerAsync(job.PracticeId, ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var session = await LockSessionAsync(job.SessionId, ct);
            if (session is not { Status: ScanSessionStatus.Processing } || await HasLiveJobAsync(session.Id, settlingJob, ct)) return false;
            foreach (var image in await db.ScanImages.Where(i => i.SessionId == session.Id && i.Status == ScanImageStatus.Uploaded).ToListAsync(ct))
                Reject(image, ProcessingFailed);
            session.Status = ScanSessionStatus.NeedsRetake;
            session.ProcessedAt = clock.UtcNow();
            await db.SaveChangesAsync(ct);
            await TellPatientAsync(db, notices, session, ct);
            await audit.WriteAsync("Scans.GiveUpProcessing", new AuditRecord("scan_session", session.Id), ct);
            await transaction.CommitAsync(ct);
            logger.LogError("Gave up processing session {SessionId}; the patient is asked to send the photos again", session.Id);
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
    }

    private static void Reject(ScanImage image, string reason)
    {
        image.Status = ScanImageStatus.Rejected;
        image.RetakeReasons = [reason];
    }
}
