using OrthoScan.Api.Infrastructure.Ai;
using OrthoScan.Api.Infrastructure.Jobs;
using OrthoScan.Api.Infrastructure.Storage;
using OrthoScan.Ml.Suggestions;

namespace OrthoScan.Api.Features.Ai;

/// <summary>
/// Worker side of a ready scan (a job, enqueued by the scan's processing in the transaction that makes it ready): the
/// practice's suggester proposes a value per taxonomy score from the scan's EXIF-free display images and what is known of
/// the treatment, and the run is stored in <c>ai_suggestions</c> for the review screen to pre-fill. GPT-4o is used only
/// when the practice turned external AI processing on; any other practice gets the local ML.NET model or nothing, and no
/// byte leaves the platform for it. An answer outside the taxonomy stores nothing (logged, never guessed); a suggester
/// that is unavailable for now throws, and the job is retried. Safe to run again: a scan that already has suggestions
/// (or is no longer ready) is left alone, and runs for one scan take turns (a transaction-scoped advisory lock).
/// </summary>
public static class SuggestTags
{
    [JobKind(AiJobs.SuggestTags)]
    public sealed record Command(Guid PracticeId, Guid SessionId) : ICommand<Outcome>, IPracticeJob, IAudited<Outcome>
    {
        /// <summary>Audited whenever the scan's photos were read and given to a suggester.</summary>
        public AuditRecord? Audit(Outcome outcome) => outcome is Outcome.Stored or Outcome.Unusable ? new AuditRecord("scan_session", SessionId) : null;
    }

    public enum Outcome { Stored, Unusable, NoSuggester, AlreadySuggested, NotReady }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.PracticeId).NotEmpty();
            RuleFor(c => c.SessionId).NotEmpty();
        }
    }

    public sealed class Handler(AppDbContext db, IBlobStore store, TagSuggesters suggesters, TimeProvider clock, ILogger<Handler> logger)
        : ICommandHandler<Command, Outcome>
    {
        public async ValueTask<Outcome> Handle(Command command, CancellationToken ct)
        {
            // Two deliveries of the job at once: the second waits here, then finds the first one's rows.
            await db.LockForTransactionAsync(LockSpace.Named, $"{AiJobs.SuggestTags}:{command.SessionId}", ct);
            var session = await db.ScanSessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == command.SessionId, ct);
            if (session is not { Status: ScanSessionStatus.Ready }) return Outcome.NotReady;
            if (await db.AiSuggestions.AnyAsync(a => a.SessionId == session.Id, ct)) return Outcome.AlreadySuggested;

            var externalAllowed = await db.Practices.AsNoTracking().Where(p => p.Id == command.PracticeId)
                .Select(p => p.Settings.ExternalAiProcessing).SingleAsync(ct);
            if (suggesters.For(externalAllowed) is not { } suggester) return Outcome.NoSuggester;

            var request = new SuggestionRequest(await ImagesAsync(session, ct), await ContextAsync(session, ct));
            var result = await suggester.SuggestAsync(request, ct);
            var problem = result is null ? "unusable answer" : Invalid(result);
            if (result is null || problem is not null)
            {
                logger.LogWarning("Suggester {Suggester} gave no usable answer for session {SessionId} ({Problem}); nothing stored",
                    suggester.Name, session.Id, problem);
                return Outcome.Unusable;
            }

            var at = clock.UtcNow();
            db.AiSuggestions.AddRange(result.Values.Select(v => new AiSuggestion
            {
                PracticeId = session.PracticeId, SessionId = session.Id, ModelName = result.ModelName, ModelVersion = result.ModelVersion,
                Attribute = v.Attribute, Value = v.Value, Confidence = v.Confidence, CreatedAt = at,
            }));
            await db.SaveChangesAsync(ct);
            return Outcome.Stored;
        }

        /// <summary>Only the EXIF-free display derivative of each processed view: never the full image, never the upload.</summary>
        private async Task<IReadOnlyList<SuggestionImage>> ImagesAsync(ScanSession session, CancellationToken ct)
        {
            var images = await db.ScanImages.AsNoTracking()
                .Where(i => i.SessionId == session.Id && i.Status == ScanImageStatus.Processed && i.DisplayKey != null)
                .OrderBy(i => i.ImageType).ToListAsync(ct);
            var result = new List<SuggestionImage>();
            foreach (var image in images)
            {
                await using var stream = await store.OpenReadAsync(image.DisplayKey!, ct);
                if (stream is null) continue;
                using var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer, ct);
                result.Add(new SuggestionImage(SnakeCaseEnumConverter<ImageType>.Text(image.ImageType), buffer.ToArray(), "image/jpeg"));
            }
            return result;
        }

        /// <summary>Stage fraction, days since the patient's previous processed scan, and the latest review of that scan.</summary>
        private async Task<SuggestionContext> ContextAsync(ScanSession session, CancellationToken ct)
        {
            var totalStages = await db.Patients.AsNoTracking().Where(p => p.Id == session.PatientId).Select(p => p.TotalStages).SingleAsync(ct);
            var previous = await db.ScanSessions.AsNoTracking()
                .Where(s => s.PatientId == session.PatientId && s.Id != session.Id && s.CreatedAt < session.CreatedAt
                            && (s.Status == ScanSessionStatus.Ready || s.Status == ScanSessionStatus.Reviewed))
                .OrderByDescending(s => s.CreatedAt).FirstOrDefaultAsync(ct);
            var previousTags = previous is null ? null : await db.TagSets.AsNoTracking()
                .Where(t => t.SessionId == previous.Id).OrderByDescending(t => t.TaggedAt).FirstOrDefaultAsync(ct);

            double? stageFraction = totalStages > 0 ? Math.Clamp((double)session.AlignerNumber / totalStages, 0, 1) : null;
            int? days = previous?.SubmittedAt is { } before && session.SubmittedAt is { } now ? (int)Math.Floor((now - before).TotalDays) : null;
            var previousScores = previousTags is null ? null : new Dictionary<string, string>
            {
                [Taxonomy.OverallTracking.Attribute] = Taxonomy.Score.ValueOf(previousTags.OverallTracking),
                [Taxonomy.AlignerFit.Attribute] = Taxonomy.Score.ValueOf(previousTags.AlignerFit),
                [Taxonomy.OralHygiene.Attribute] = Taxonomy.Score.ValueOf(previousTags.OralHygiene),
            };
            return new SuggestionContext(stageFraction, days, previousScores);
        }

        /// <summary>Why a run may not be stored, or null: each value one of its score's, each score once, confidences in [0, 1].</summary>
        private static string? Invalid(SuggestionResult result)
        {
            if (result.Values.Count == 0) return "no values";
            if (string.IsNullOrWhiteSpace(result.ModelName) || result.ModelName.Length > 100 || string.IsNullOrWhiteSpace(result.ModelVersion) || result.ModelVersion.Length > 50)
                return "model name or version missing or too long";
            if (result.Values.Select(v => v.Attribute).Distinct().Count() != result.Values.Count) return "an attribute suggested twice";
            return result.Values.FirstOrDefault(v => !AiTaxonomy.Current.Accepts(v.Attribute, v.Value)) is { } outside
                ? $"{outside.Attribute} = {outside.Value} is outside the taxonomy"
                : result.Values.Any(v => !(v.Confidence is >= 0 and <= 1)) ? "a confidence outside [0, 1]" : null;
        }
    }
}
