using OrthoScan.Api.Infrastructure.Jobs;

namespace OrthoScan.Api.Features.Tagging;

/// <summary>
/// A doctor's review of a scan: scores, detail findings and the action, checked against the taxonomy version.
/// Approving moves the patient to the next aligner (never past the last); the scan leaves the review feed; the
/// outcome is written for the patient in their language.
/// </summary>
public static class TagSession
{
    private const int MaxHoldDays = 14;

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
            RuleFor(c => c.Body.HoldDays).InclusiveBetween(1, MaxHoldDays).OverridePropertyName("holdDays");
        }
    }

    public sealed class Handler(AppDbContext db, RequestContext context, IJobQueue jobs, TimeProvider clock) : ICommandHandler<Command, Response>
    {
        public async ValueTask<Response> Handle(Command command, CancellationToken ct)
        {
            var session = await db.ScanSessions.SingleOrDefaultAsync(s => s.Id == command.SessionId, ct) ?? throw new NotFoundException("scan session");
            if (session.Status is not (ScanSessionStatus.Ready or ScanSessionStatus.Reviewed))
                throw new ConflictException("session-not-ready", "This scan is not ready for review.", "Only processed scans can be tagged.");
            var reviewer = await db.PracticeMembers.AsNoTracking().SingleAsync(m => m.UserId == context.UserId, ct);
            if (await db.TagSets.AnyAsync(t => t.SessionId == session.Id && t.TaggedBy == reviewer.Id, ct))
                throw new ConflictException("already-tagged", "You already tagged this scan.", "A second doctor may add their own review.");

            var settings = await db.Practices.AsNoTracking().Select(p => p.Settings).SingleAsync(ct);
            var body = command.Body;
            var errors = TaxonomyErrors(body, Taxonomy.DetailTagsFor(settings));
            if (errors.Count > 0)
                throw new RuleViolationException("taxonomy", "The tags do not match the taxonomy.", "See errors for each field.") { Errors = errors };

            var now = clock.UtcNow();
            var opened = body.ReviewOpenedAt is { } o && o <= now && o > now.AddHours(-12) ? o.ToUniversalTime() : now;
            var patient = await db.Patients.SingleAsync(p => p.Id == session.PatientId, ct);
            if (body.Action == ReviewAction.ApproveProgression) patient.CurrentStage = Math.Min(patient.CurrentStage + 1, patient.TotalStages);
            patient.UpdatedAt = now;

            var detailTags = (body.DetailTags ?? []).Select(t => new DetailTag { Code = t.Code!, Location = t.Location }).ToList();
            var aiOutcomes = AiSuggestions.Compare(
                await AiSuggestions.LatestRunAsync(db, session.Id, ct), body.OverallTracking, body.AlignerFit, body.OralHygiene, detailTags.Select(t => t.Code));
            var tagSet = new TagSet
            {
                PracticeId = session.PracticeId, SessionId = session.Id, TaggedBy = reviewer.Id, TaxonomyVersion = Taxonomy.Version,
                ReviewOpenedAt = opened, TaggedAt = now, OverallTracking = (short)body.OverallTracking, AlignerFit = (short?)body.AlignerFit,
                OralHygiene = (short)body.OralHygiene,
                DetailTags = detailTags,
                ActionTaken = body.Action, HoldDays = body.Action == ReviewAction.HoldAligner ? body.HoldDays : null, Notes = body.Notes?.Trim(),
                StageAfter = patient.CurrentStage,
                AiOutcomes = aiOutcomes, AiSuggested = aiOutcomes.Count > 0, AiOverridden = aiOutcomes.Any(o => o.Overridden),
            };
            db.TagSets.Add(tagSet);
            if (session.Status == ScanSessionStatus.Ready)
            {
                session.Status = ScanSessionStatus.Reviewed;
                session.ReviewedBy = reviewer.Id;
                session.ReviewedAt = now;
                session.PatientFeedback = PatientFeedback.For(patient.PreferredLanguage, body.Action, patient.CurrentStage, body.HoldDays);
                // In the review's transaction: the feedback is queued exactly when the review commits.
                await jobs.EnqueueAsync(PatientFeedback.DeliveryJobKind, new PatientFeedback.Delivery(session.PracticeId, patient.Id, session.Id), cancellationToken: ct);
            }
            await db.SaveChangesAsync(ct);
            return new Response(
                tagSet.Id, session.Id, session.Status, patient.CurrentStage, session.PatientFeedback ?? "", (int)(now - opened).TotalSeconds, aiOutcomes);
        }

        private static Dictionary<string, string[]> TaxonomyErrors(Body body, IReadOnlyList<string> detailTags)
        {
            var errors = new Dictionary<string, string[]>();
            if (body.TaxonomyVersion != Taxonomy.Version)
                errors["taxonomyVersion"] = [$"Tag with taxonomy {Taxonomy.Version}; reload the review screen."];
            if (body.OverallTracking is < 1 or > 3) errors["overallTracking"] = ["Score 1 to 3."];
            if (body.AlignerFit is < 1 or > 3) errors["alignerFit"] = ["Score 1 to 3, or leave empty when not applicable."];
            if (body.OralHygiene is < 1 or > 3) errors["oralHygiene"] = ["Score 1 to 3."];
            for (var i = 0; i < (body.DetailTags?.Count ?? 0); i++)
            {
                var tag = body.DetailTags![i];
                if (tag.Code is null || !detailTags.Contains(tag.Code)) errors[$"detailTags[{i}].code"] = ["Unknown detail tag."];
                if (tag.Location is not null && !Taxonomy.IsLocation(tag.Location))
                    errors[$"detailTags[{i}].location"] = ["Use an FDI tooth number (11-48) or a region."];
            }
            if (body.Action == ReviewAction.HoldAligner && body.HoldDays is not (>= 1 and <= MaxHoldDays))
                errors["holdDays"] = [$"Hold the aligner for 1 to {MaxHoldDays} days."];
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
                .Produces<Response>(StatusCodes.Status201Created).ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
                .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }
}
