using Microsoft.Extensions.Options;
using OrthoScan.Api.Infrastructure.Jobs;

namespace OrthoScan.Api.Features.Admin;

/// <summary>
/// The owner runs a dead job of the practice again. One conditional UPDATE re-queues it, so of any number of concurrent
/// retries exactly one does (the others answer 409); it gets <see cref="JobsOptions.MaxAttempts"/> fresh attempts. In the
/// same transaction the job's dead-letter handler reopens what it had settled, when it still can: a scan given up as
/// processing_failed goes back to processing if the patient has not started retaking it and the uploads still exist;
/// otherwise it is left as it is and the retried run finds nothing to do.
/// </summary>
public static class RetryDeadJob
{
    [RequiresRole(Role.Owner)]
    public sealed record Command(Guid Id) : ICommand<Response>, IAudited<Response>
    {
        public AuditRecord Audit(Response response) => new("job", Id);
    }

    /// <param name="SubjectReopened">Whether what the job works on was moved back so the run can redo it (false: left as the dead letter settled it).</param>
    public sealed record Response(Guid Id, JobStatus Status, bool SubjectReopened);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Id).NotEmpty();
    }

        public sealed class Handler(AppDbContext db, RequestContext context, DeadLetters deadLetters, IOptions<JobsOptions> options)
        : ICommandHandler<Command, Response>
    {
        public async ValueTask<Response> Handle(Command command, CancellationToken ct)
        {
            var practice = context.RequirePractice().ToString();
            var requeued = await db.Database.SqlQuery<Guid>($"""
                UPDATE jobs SET status = 'queued', run_after = now(), max_attempts = attempts + {options.Value.MaxAttempts},
                    dead_reason = NULL, completed_at = NULL, locked_until = NULL
                WHERE id = {command.Id} AND status = 'dead' AND payload->>'practiceId' = {practice}
                RETURNING id AS "Value"
                """).ToListAsync(ct);
            if (requeued.Count == 0)
            {
                throw await PracticeJobs.Of(db, context).AnyAsync(j => j.Id == command.Id, ct)
                    ? new ConflictException("job-not-dead", "This job is not dead.", "It was retried already, or never failed; it is listed again if it dies again.")
                    : new NotFoundException("job");
            }

            await db.Database.ExecuteSqlAsync($"SELECT pg_notify({JobStore.Channel}, '')", ct); // wakes a worker once this commits
            var job = await PracticeJobs.Of(db, context).SingleAsync(j => j.Id == command.Id, ct);
            return new Response(job.Id, job.Status, await deadLetters.ReopenAsync(job, ct));
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost($"{Routes.V1}/admin/jobs/{{id:guid}}/retry", async (Guid id, ISender sender, CancellationToken ct) =>
                    Results.Ok(await sender.Send(new Command(id), ct)))
                .WithTags("Admin").WithName("RetryDeadJob").RequireAuthorization()
                .WithSummary("Retry a failed background job")
                .WithDescription(
                    "Queues a dead job of the practice again with fresh attempts, and reopens what it works on when it still can " +
                    "(`subjectReopened`). Of concurrent retries exactly one succeeds; the others, like a job that is not dead, " +
                    "answer 409 `job-not-dead`.")
                .Produces<Response>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
                .ProducesProblem(StatusCodes.Status409Conflict);
    }
}
