using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrthoScan.Api.Domain;
using OrthoScan.Api.Features.Scans;
using OrthoScan.Api.Infrastructure.Errors;
using OrthoScan.Api.Infrastructure.Jobs;
using OrthoScan.Api.Infrastructure.Persistence;
using OrthoScan.Api.Infrastructure.Pipeline;
using OrthoScan.Api.Infrastructure.Tenancy;

namespace OrthoScan.Api.Tests.Jobs;

/// <summary>
/// The test jobs, written as a feature's job is (a [JobKind] command, its handler, a validator and a dead-letter handler
/// where needed), and registered as the API registers its own: <see cref="JobsSetup.AddJobsFrom"/>.
/// </summary>
public static class TestJobs
{
    /// <summary>
    /// Mediator's source generator registered the pipeline for the messages it saw when the API was built; these jobs are
    /// not among them. Each gets its handler and the behaviors a production job has, in the same order (see
    /// <c>JobRegistrationTests</c>), so they run through the same pipeline as the API's jobs.
    /// </summary>
    public static IServiceCollection AddTestJobs(this IServiceCollection services)
    {
        var assembly = typeof(TestJobs).Assembly;
        services.AddJobsFrom(assembly);
        services.AddValidatorsFromAssemblyContaining<RecordJob.Command>(ServiceLifetime.Singleton);
        var pipeline = services.Where(d => d.ServiceType == typeof(IPipelineBehavior<ProcessSession.Command, ProcessSession.Outcome>))
            .Select(d => d.ImplementationType!.GetGenericTypeDefinition()).ToList();
        foreach (var (command, response, _) in JobCatalog.CommandsIn(assembly))
        {
            var handler = command.DeclaringType!.GetNestedType("Handler") ?? throw new InvalidOperationException($"{command.DeclaringType} has no Handler.");
            services.AddScoped(typeof(ICommandHandler<,>).MakeGenericType(command, response), handler);
            foreach (var behavior in pipeline)
                services.AddScoped(typeof(IPipelineBehavior<,>).MakeGenericType(command, response), behavior.MakeGenericType(command, response));
        }
        return services;
    }

    public static Guid JobId(this CurrentJob job) => job.Context!.JobId;
}

public static class RecordJob
{
    public const string Kind = "test.record";

    [JobKind(Kind)]
    public sealed record Command : ICommand, IJobCommand;

    public sealed class Handler(JobRecorder recorder, CurrentJob job) : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            await recorder.RunAsync(job.JobId(), () => Task.Delay(Random.Shared.Next(0, 5), cancellationToken));
            return Unit.Value;
        }
    }
}

/// <summary>Always fails, noting the run_after each attempt was scheduled for.</summary>
public static class FailJob
{
    public const string Kind = "test.fail";

    [JobKind(Kind)]
    public sealed record Command : ICommand, IJobCommand;

    public sealed class Handler(JobRecorder recorder, CurrentJob job, AppDbContext db) : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            var runAfter = await db.Jobs.Where(j => j.Id == job.JobId()).Select(j => j.RunAfter).SingleAsync(cancellationToken);
            recorder.Attempts.GetOrAdd(job.JobId(), _ => new()).Enqueue((job.Context!.Attempt, runAfter));
            throw new InvalidOperationException($"boom on attempt {job.Context.Attempt}");
        }
    }
}

/// <summary>Runs until its token is cancelled (the worker lost the lease), or a minute passes.</summary>
public static class BlockJob
{
    public const string Kind = "test.block";

    [JobKind(Kind)]
    public sealed record Command : ICommand, IJobCommand;

    public sealed class Handler(JobRecorder recorder, CurrentJob job) : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            var id = job.JobId();
            await recorder.RunAsync(id, async () =>
            {
                recorder.Started.TryAdd(id, 0);
                try
                {
                    await Task.Delay(TimeSpan.FromMinutes(1), cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    recorder.Cancelled.TryAdd(id, 0);
                    throw;
                }
            });
            return Unit.Value;
        }
    }
}

/// <summary>Takes as long as its payload says, whatever happens around it.</summary>
public static class SlowJob
{
    public const string Kind = "test.slow";

    [JobKind(Kind)]
    public sealed record Command(int DelayMs) : ICommand, IJobCommand;

    public sealed class Handler(JobRecorder recorder, CurrentJob job) : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            var id = job.JobId();
            await recorder.RunAsync(id, async () =>
            {
                recorder.Started.TryAdd(id, 0);
                await Task.Delay(command.DelayMs, cancellationToken);
            });
            return Unit.Value;
        }
    }
}

/// <summary>Looks at what a job of a practice can see: who it runs as, that practice's patients, and another practice's patient.</summary>
public static class TenantJob
{
    public const string Kind = "test.tenant";

    [JobKind(Kind)]
    public sealed record Command(Guid PracticeId, Guid OtherPracticesPatientId) : ICommand, IPracticeJob;

    public sealed record View(Guid? PracticeId, Guid? UserId, Role? Role, long Patients, long PatientsIgnoringFilters, long OtherPracticesPatientBySql);

    public sealed class Handler(JobRecorder recorder, CurrentJob job, AppDbContext db, RequestContext context) : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            var other = await db.Database.SqlQuery<long>($"SELECT count(*) AS \"Value\" FROM patients WHERE id = {command.OtherPracticesPatientId}")
                .SingleAsync(cancellationToken);
            recorder.Views[job.JobId()] = new View(context.PracticeId, context.UserId, context.Role,
                await db.Patients.LongCountAsync(cancellationToken), await db.Patients.IgnoreQueryFilters().LongCountAsync(cancellationToken), other);
            return Unit.Value;
        }
    }
}

/// <summary>A job that changes a practice's data: renames a patient, then breaks a rule when its payload says so.</summary>
public static class RenamePatientJob
{
    public const string Kind = "test.rename-patient";

    [JobKind(Kind)]
    public sealed record Command(Guid PracticeId, Guid PatientId, string LastName, bool BreakRule = false) : ICommand, IPracticeJob, IAudited<Unit>
    {
        public AuditRecord Audit(Unit response) => new("patient", PatientId);
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.LastName).NotEmpty();
    }

    public sealed class Handler(JobRecorder recorder, CurrentJob job, AppDbContext db) : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            recorder.Runs.AddOrUpdate(job.JobId(), 1, (_, n) => n + 1);
            var patient = await db.Patients.SingleOrDefaultAsync(p => p.Id == command.PatientId, cancellationToken) ?? throw new NotFoundException("patient");
            patient.LastName = command.LastName;
            await db.SaveChangesAsync(cancellationToken);
            if (command.BreakRule) throw new RuleViolationException("test-rule", "The job breaks a rule.");
            return Unit.Value;
        }
    }
}

/// <summary>Reads through <see cref="OutageTarget"/>: fails as a request would while that server is unreachable.</summary>
public static class OutageJob
{
    public const string Kind = "test.outage";

    [JobKind(Kind)]
    public sealed record Command : ICommand, IJobCommand;

    public sealed class Handler(JobRecorder recorder, CurrentJob job, OutageTarget target) : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            recorder.Runs.AddOrUpdate(job.JobId(), 1, (_, n) => n + 1);
            await using var connection = new NpgsqlConnection(target.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var select = new NpgsqlCommand("SELECT 1", connection);
            await select.ExecuteScalarAsync(cancellationToken);
            return Unit.Value;
        }
    }
}

/// <summary>The PostgreSQL (behind a relay a test can cut) that <see cref="OutageJob"/> reads.</summary>
public sealed record OutageTarget(string ConnectionString);

/// <summary>
/// A job with a dead-letter handler: fails when its payload says so, and its dead-letter handler fails the first
/// <see cref="Command.DeadLetterFailures"/> times.
/// </summary>
public static class SettleJob
{
    public const string Kind = "test.settle";

    [JobKind(Kind)]
    public sealed record Command(bool Fail, int DeadLetterFailures) : ICommand, IJobCommand;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.DeadLetterFailures).GreaterThanOrEqualTo(0);
    }

    public sealed class Handler(JobRecorder recorder, CurrentJob job) : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            await recorder.RunAsync(job.JobId(), () =>
            {
                recorder.Attempts.GetOrAdd(job.JobId(), _ => new()).Enqueue((job.Context!.Attempt, default));
                return command.Fail ? throw new InvalidOperationException($"boom on attempt {job.Context.Attempt}") : Task.CompletedTask;
            });
            return Unit.Value;
        }
    }

    public sealed class DeadLetterHandler(JobRecorder recorder) : IJobDeadLetter<Command>
    {
        public Task OnDeadAsync(Command job, JobContext context, DeadLetter deadLetter, CancellationToken cancellationToken)
        {
            var calls = recorder.DeadLetters.GetOrAdd(context.JobId, _ => new());
            calls.Enqueue((context.Attempt, deadLetter));
            return calls.Count <= job.DeadLetterFailures ? throw new InvalidOperationException($"dead letter failed on call {calls.Count}") : Task.CompletedTask;
        }

        public JobSubject? SubjectOf(Command job) => null;

        public Task<bool> ReopenAsync(Command job, CancellationToken cancellationToken) => Task.FromResult(false);
    }
}
