using OrthoScan.Api.Infrastructure.Jobs;

namespace OrthoScan.Api.Features.Admin;

/// <summary>
/// The practice's failed background work, most recently dead first, for the owner to see and retry. Jobs are not tenant
/// data (ADR 0005): a job belongs to the practice its payload names, and only those of the caller's practice are listed.
/// The error is a summary (why, and the type of the last exception), never the stored exception text or a stack trace.
/// </summary>
public static class ListDeadJobs
{
    [RequiresRole(Role.Owner)]
    public sealed record Query(string? Cursor, int? Limit) : IQuery<Page<DeadJob>>;

    /// <param name="Attempts">Runs of the job (the one its worker never finished included).</param>
    public sealed record DeadJob(Guid Id, string Kind, JobSubject? Subject, int Attempts, DeadReason Reason, string Error, DateTime DeadSince);

    public sealed record Cursor(DateTime DeadSince, Guid Id);

    public sealed class Handler(AppDbContext db, RequestContext context, DeadLetters deadLetters) : IQueryHandler<Query, Page<DeadJob>>
    {
        public async ValueTask<Page<DeadJob>> Handle(Query query, CancellationToken ct)
        {
            var limit = Paging.Limit(query.Limit);
            var jobs = PracticeJobs.Of(db, context).Where(j => j.Status == JobStatus.Dead);
            if (Paging.Decode<Cursor>(query.Cursor) is { } after)
                jobs = jobs.Where(j => j.CompletedAt < after.DeadSince || (j.CompletedAt == after.DeadSince && j.Id.CompareTo(after.Id) < 0));
            var rows = await jobs.OrderByDescending(j => j.CompletedAt).ThenByDescending(j => j.Id).Take(limit + 1).ToListAsync(ct);
            var subjects = new Dictionary<Guid, JobSubject?>();
            foreach (var job in rows.Take(limit)) subjects[job.Id] = await deadLetters.SubjectOfAsync(job, ct);
            return Paging.ToPage(rows, limit, j => ToDeadJob(j, subjects[j.Id]), j => new Cursor(j.CompletedAt!.Value, j.Id));
        }

        private static DeadJob ToDeadJob(Job job, JobSubject? subject)
        {
            var reason = job.DeadReason ?? DeadReason.Failed;
            return new DeadJob(job.Id, job.Kind, subject, Math.Min(job.Attempts, job.MaxAttempts), reason, Summary(reason, job.LastErrorType), job.CompletedAt!.Value);
        }

        private static string Summary(DeadReason reason, string? errorType) => reason switch
        {
            DeadReason.Abandoned => "Its worker stopped during the last attempt (killed or out of memory), so it was not run again.",
            DeadReason.UnreadablePayload => "Its data could not be read, so it cannot run.",
            DeadReason.Refused => $"It was refused ({ShortName(errorType)}): its data is not valid or breaks a rule, so it was not tried again.",
            _ => $"It failed on every attempt; the last error was {ShortName(errorType)}.",
        };

        private static string ShortName(string? errorType) => errorType?.Split('.', '+').Last() ?? "unknown";
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/admin/jobs/dead", async (string? cursor, int? limit, ISender sender, CancellationToken ct) =>
                    Results.Ok(await sender.Send(new Query(cursor, limit), ct)))
                .WithTags("Admin").WithName("ListDeadJobs").RequireAuthorization()
                .WithSummary("List failed background jobs")
                .WithDescription(
                    "The practice's background jobs that failed for good, most recently first: what they worked on, how many " +
                    "attempts ran and why they stopped (a summary, never the stored error).")
                .Produces<Page<DeadJob>>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden);
    }
}

/// <summary>The jobs whose payload names the caller's practice: the only ones an owner may see or retry.</summary>
internal static class PracticeJobs
{
    public static IQueryable<Job> Of(AppDbContext db, RequestContext context) =>
        db.Jobs.FromSql($"SELECT * FROM jobs WHERE payload->>'practiceId' = {context.RequirePractice().ToString()}").AsNoTracking();
}
