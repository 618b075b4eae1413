using Npgsql;
using OrthoScan.Api.Infrastructure.Ai;
using OrthoScan.Api.Infrastructure.Jobs;
using OrthoScan.Api.Infrastructure.Messaging;

namespace OrthoScan.Api.Features.Tagging;

/// <summary>
/// A doctor's review of a scan: scores, detail findings and the action, checked against the taxonomy version.
/// Approving moves the patient to the next aligner (never past the last); the scan leaves the review feed; the
/// outcome is written for the patient in their language.
/// </summary>
public static class TagSession
{
    [RequiresRole(Role.Owner, Role.Doctor)]
    public sealed record Command(Guid SessionId, Body Body) : ICommand<Response>, IAudited<Response>
    {
        public AuditRecord Audit(Response response) => new("scan_session", SessionId);
    }

    public sealed record Body(
        string? TaxonomyVersion, int OverallTracking, int? AlignerFit, int OralHygiene, IReadOnlyList<DetailTagInput>? DetailTags,
        ReviewAction Action, int? HoldDays, string? Notes, DateTime? ReviewOpenedAt);

    public sealed record DetailTagInput(string? Code, string? Location);

    public sealed record Response(
        Guid TagSetId, Guid SessionId, ScanSessionStatus SessionStatus, int PatientCurrentStage, string PatientFeedback, int ReviewSeconds,
        IReadOnlyList<AiOutcome> AiOutcomes);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Body).NotNull();
            RuleFor(c => c.Body.Notes).MaximumLength(4000).OverridePropertyName("notes");
            RuleFor(c => c.Body.DetailTags).Must(t => t is null || t.Count <= 30).OverridePropertyName("detailTags");
            RuleFor(c => c.Body.HoldDays).InclusiveBetween(Taxonomy.HoldDays.Min, Taxonomy.HoldDays.Max).OverridePropertyName("holdDays");
        }
    }

    public sealed class Handler(AppDbContext db, RequestContext context, IJobQueue jobs, TimeProvider clock) : ICommandHandler<Command, Response>
    {
        public async ValueTask<Response> Handle(Command command, CancellationToken ct)
        {
            var session = await db.ScanSessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == command.SessionId, ct) ?? throw new NotFoundException("scan session");
            if (session.Status is not (ScanSessionStatus.Ready or ScanSessionStatus.Reviewed))
                throw new ConflictException("session-not-ready", "This scan is not ready for review.", "Only processed scans can be tagged.");
            var reviewer = await db.PracticeMembers.AsNoTracking().SingleAsync(m => m.UserId == context.UserId, ct);
            if (await db.TagSets.AnyAsync(t => t.SessionId == session.Id && t.TaggedBy == reviewer.Id, ct))
                throw new ConflictException("already-tagged", "You already tagged this scan.", "A second doctor may add their own review.");

            var settings = await db.Practices.AsNoTracking().Select(p => p.Settings).SingleAsync(ct);
            var body = command.Body;
            var errors = TaxonomyErrors(body, Taxonomy.DetailTagCodesFor(settings));
            if (errors.Count > 0)
                throw new RuleViolationException("taxonomy", "The tags do not match the taxonomy.", "See errors for each field.") { Errors = errors };

            var now = clock.UtcNow();
            var opened = body.ReviewOpenedAt is { } o && o <= now && o > now.AddHours(-12) ? o.ToUniversalTime() : now;
            var patient = await db.Patients.AsNoTracking().SingleAsync(p => p.Id == session.PatientId, ct);

            // Only the review that moves the scan out of `ready` acts for the patient: a second doctor's review (double
            // tagging for agreement) is recorded beside it and changes neither the stage nor the feedback.
            var firstReview = await ClaimFirstReviewAsync(session.Id, reviewer.Id, now, ct);
            var stage = firstReview && body.Action == ReviewAction.ApproveProgression
                ? await AdvanceStageAsync(patient.Id, now, ct)
                : await db.Patients.AsNoTracking().Where(p => p.Id == patient.Id).Select(p => p.CurrentStage).SingleAsync(ct);

            var detailTags = (body.DetailTags ?? []).Select(t => new DetailTag { Code = t.Code!, Location = t.Location }).ToList();
            var aiOutcomes = AiSuggestions.Compare(
                await AiSuggestions.LatestRunAsync(db, session.Id, ct), ScoresOf(body).Select(s => (s.Score, s.Value)), detailTags.Select(t => t.Code));
            var tagSet = new TagSet
            {
                PracticeId = session.PracticeId, SessionId = session.Id, TaggedBy = reviewer.Id, TaxonomyVersion = Taxonomy.Version,
                ReviewOpenedAt = opened, TaggedAt = now, OverallTracking = (short)body.OverallTracking, AlignerFit = (short?)body.AlignerFit,
                OralHygiene = (short)body.OralHygiene,
                DetailTags = detailTags,
                ActionTaken = body.Action, HoldDays = body.Action == ReviewAction.HoldAligner ? body.HoldDays : null, Notes = body.Notes?.Trim(),
                StageAfter = stage,
                AiOutcomes = aiOutcomes, AiSuggested = aiOutcomes.Count > 0, AiOverridden = aiOutcomes.Any(o => o.Overridden),
            };
            db.TagSets.Add(tagSet);
            if (firstReview)
            {
                var feedback = PatientFeedback.For(patient.PreferredLanguage, body.Action, stage, body.HoldDays);
                await db.ScanSessions.Where(s => s.Id == session.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.PatientFeedback, feedback), ct);
                // In the review's transaction: the feedback is queued exactly when the review commits.
                await jobs.EnqueuePatientFeedbackAsync(session.PracticeId, patient.Id, session.Id, ct);
            }
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                // The same doctor's review sent twice at once: the unique (session, reviewer) index lets one in.
                throw new ConflictException("already-tagged", "You already tagged this scan.", "A second doctor may add their own review.");
            }
            var current = await db.ScanSessions.AsNoTracking().Where(s => s.Id == session.Id)
                .Select(s => new { s.Status, s.PatientFeedback }).SingleAsync(ct);
            return new Response(
                tagSet.Id, session.Id, current.Status, stage, current.PatientFeedback ?? "", (int)(now - opened).TotalSeconds, aiOutcomes);
        }

        /// <summary>
        /// Moves the scan from ready to reviewed in one conditional UPDATE; true for exactly one of any number of
        /// concurrent reviews (the others wait on the row lock, then find it reviewed).
        /// </summary>
        private async Task<bool> ClaimFirstReviewAsync(Guid sessionId, Guid reviewerId, DateTime now, CancellationToken ct) =>
            await db.ScanSessions.Where(s => s.Id == sessionId && s.Status == ScanSessionStatus.Ready)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(x => x.Status, ScanSessionStatus.Reviewed)
                    .SetProperty(x => x.ReviewedBy, reviewerId)
                    .SetProperty(x => x.ReviewedAt, now), ct) == 1;

        /// <summary>An increment in the database, never past the last aligner: approvals of two scans at once both count.</summary>
        private async Task<int> AdvanceStageAsync(Guid patientId, DateTime now, CancellationToken ct)
        {
            await db.Patients.Where(p => p.Id == patientId)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(p => p.CurrentStage, p => p.CurrentStage < p.TotalStages ? p.CurrentStage + 1 : p.TotalStages)
                    .SetProperty(p => p.UpdatedAt, now), ct);
            return await db.Patients.AsNoTracking().Where(p => p.Id == patientId).Select(p => p.CurrentStage).SingleAsync(ct);
        }

        /// <summary>Each score of the body with the taxonomy's rule for it, and the body field that carries it.</summary>
        private static (Taxonomy.Score Score, string Field, int? Value)[] ScoresOf(Body body) =>
        [
            (Taxonomy.OverallTracking, "overallTracking", body.OverallTracking),
            (Taxonomy.AlignerFit, "alignerFit", body.AlignerFit),
            (Taxonomy.OralHygiene, "oralHygiene", body.OralHygiene),
        ];

        private static Dictionary<string, string[]> TaxonomyErrors(Body body, IReadOnlyList<string> detailTags)
        {
            var errors = new Dictionary<string, string[]>();
            if (body.TaxonomyVersion != Taxonomy.Version)
                errors["taxonomyVersion"] = [$"Tag with taxonomy {Taxonomy.Version}; reload the review screen."];
            foreach (var (score, field, value) in ScoresOf(body))
                if (!score.Accepts(value)) errors[field] = [score.Rule()];
            for (var i = 0; i < (body.DetailTags?.Count ?? 0); i++)
            {
                var tag = body.DetailTags![i];
                if (tag.Code is null || !detailTags.Contains(tag.Code)) errors[$"detailTags[{i}].code"] = ["Unknown detail tag."];
                if (tag.Location is not null && !Taxonomy.IsLocation(tag.Location))
                    errors[$"detailTags[{i}].location"] = [Taxonomy.LocationRule];
            }
            if (body.Action == ReviewAction.HoldAligner && !Taxonomy.HoldDays.Contains(body.HoldDays))
                errors["holdDays"] = [$"Hold the aligner for {Taxonomy.HoldDays.Min} to {Taxonomy.HoldDays.Max} days."];
            return errors;
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost($"{Routes.V1}/scans/sessions/{{id:guid}}/tags", async (Guid id, Body body, ISender sender, CancellationToken ct) =>
                {
                    var response = await sender.Send(new Command(id, body), ct);
                    return Results.Created($"{Routes.V1}/scans/sessions/{id}/tags/{response.TagSetId}", response);
                })
                .WithTags("Tagging").WithName("TagScanSession").RequireAuthorization()
                .WithSummary("Review (tag) a scan")
                .WithDescription(
                    "A doctor's review of a processed scan: the three scores, the detail findings and the action. The first review " +
                    "acts for the patient: approving moves them to the next aligner (never past the last), and the feedback is " +
                    "written in their language; a second doctor's review is recorded for agreement statistics only. 409 " +
                    "`session-not-ready` before processing ends, `already-tagged` when the caller reviewed it already; 422 " +
                    "`taxonomy` when the tags do not match the taxonomy (per field).")
                .WithRequestExample(new Body(
                    "2026.1", OverallTracking: 1, AlignerFit: 1, OralHygiene: 2, [new DetailTagInput("attachment_lost", "13")], ReviewAction.ApproveProgression,
                    HoldDays: null, "Attachment on 13 lost; tracking otherwise fine.", new DateTime(2026, 3, 2, 9, 41, 12, DateTimeKind.Utc)))
                .WithResponseExample(
                    new Response(new Guid("0195f5d1-0b9a-7f8e-9d7c-6b5a4f3e2d40"), new Guid("0195f4c8-1a2b-7c3d-8e4f-5a6b7c8d9e30"), ScanSessionStatus.Reviewed,
                        PatientCurrentStage: 4, "Great tracking! Move to aligner 4.", ReviewSeconds: 38, []),
                    StatusCodes.Status201Created)
                .Produces<Response>(StatusCodes.Status201Created).ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
                .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }
}
