using System.Reflection;
using System.Text.Json;

namespace OrthoScan.Api.Infrastructure.Jobs;

/// <summary>
/// Every job kind this process can run, one <see cref="JobDefinition"/> each, found by <see cref="JobsSetup.AddJobsFrom"/>
/// in an assembly's <see cref="JobKindAttribute"/> commands. A worker claims exactly these kinds. Built as the host starts
/// (<see cref="JobCatalogCheck"/>), in every role: a kind declared twice or a job without a handler stops the host there,
/// not when the first such job runs.
/// </summary>
public sealed class JobCatalog
{
    private readonly Dictionary<string, JobDefinition> _byKind;

    public JobCatalog(IEnumerable<JobDefinition> definitions, IServiceProviderIsService registered)
    {
        var all = definitions.ToList();
        var repeated = all.GroupBy(d => d.Kind).Where(g => g.Count() > 1).Select(g => $"'{g.Key}' ({string.Join(", ", g.Select(d => d.CommandType))})").ToList();
        if (repeated.Count > 0) throw new InvalidOperationException($"Job kinds declared more than once: {string.Join("; ", repeated)}.");
        var unhandled = all.Where(d => !registered.IsService(d.HandlerType)).Select(d => $"'{d.Kind}' ({d.CommandType})").ToList();
        if (unhandled.Count > 0)
            throw new InvalidOperationException($"Jobs without a handler: {string.Join("; ", unhandled)}. A job command needs its ICommandHandler, in the same file.");
        _byKind = all.ToDictionary(d => d.Kind);
    }

    public IReadOnlyCollection<JobDefinition> Definitions => _byKind.Values;

    public JobDefinition? Find(string kind) => _byKind.GetValueOrDefault(kind);

    /// <summary>
    /// Runs a job now, in this process, through the same pipeline as the worker does (in a DI scope of its own, as a job
    /// of one attempt): for work that must be done before the caller goes on, such as the demo seed.
    /// </summary>
    public async Task RunNowAsync(IServiceProvider services, IJobCommand job, CancellationToken ct)
    {
        var definition = Find(JobKindAttribute.Of(job.GetType())) ?? throw new InvalidOperationException($"{job.GetType()} is not a registered job.");
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentJob>().Context = new JobContext(Guid.CreateVersion7(), definition.Kind, 1, 1, DateTime.UtcNow);
        await definition.RunAsync(scope.ServiceProvider, job, ct);
    }

    /// <summary>The job commands an assembly declares, with the response type of each (a job is an <c>ICommand&lt;T&gt;</c>).</summary>
    internal static IEnumerable<(Type Command, Type Response, string Kind)> CommandsIn(Assembly assembly)
    {
        foreach (var type in assembly.GetTypes().Where(t => t.IsDefined(typeof(JobKindAttribute), inherit: false)))
        {
            if (!typeof(IJobCommand).IsAssignableFrom(type) || type.IsAbstract)
                throw new InvalidOperationException($"{type} has [JobKind] but is not a concrete {nameof(IJobCommand)}.");
            var response = type.GetInterfaces().SingleOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICommand<>))?.GetGenericArguments()[0]
                           ?? throw new InvalidOperationException($"The job {type} is not a Mediator command (ICommand or ICommand<T>).");
            yield return (type, response, JobKindAttribute.Of(type));
        }
    }
}

/// <summary>Builds the <see cref="JobCatalog"/> while the host starts (resolving it is the check), and says what it holds.</summary>
internal sealed class JobCatalogCheck(JobCatalog catalog, ILogger<JobCatalogCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("Job kinds: {Kinds}", string.Join(", ", catalog.Definitions.Select(d => d.Kind).Order()));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>One job kind: how the worker runs a payload of it, and settles it when it dies.</summary>
public abstract class JobDefinition
{
    public abstract string Kind { get; }
    public abstract Type CommandType { get; }

    /// <summary>The Mediator handler the job's command needs (<c>ICommandHandler&lt;TCommand, TResponse&gt;</c>).</summary>
    public abstract Type HandlerType { get; }

    /// <summary>The definition of a job command (an <see cref="IJobCommand"/> that is an <c>ICommand&lt;T&gt;</c>) stored under <paramref name="kind"/>.</summary>
    internal static JobDefinition For(Type command, Type response, string kind) =>
        (JobDefinition)Activator.CreateInstance(typeof(JobDefinition<,>).MakeGenericType(command, response), kind)!;

    /// <summary>Reads the payload into the job's command and sends it through the pipeline, in the given (the job's own) DI scope.</summary>
    /// <exception cref="UnreadableJobPayloadException">The payload is not the job's command.</exception>
    internal abstract Task RunAsync(IServiceProvider services, JsonElement payload, CancellationToken ct);

    internal abstract Task RunAsync(IServiceProvider services, IJobCommand job, CancellationToken ct);

    /// <summary>Calls the job's dead-letter handler, if it has one and the payload names a valid job.</summary>
    internal abstract Task OnDeadAsync(IServiceProvider services, JsonElement payload, JobContext context, DeadLetter deadLetter, CancellationToken ct);

    internal abstract Task<JobSubject?> SubjectOfAsync(IServiceProvider services, JsonElement payload, CancellationToken ct);

    internal abstract Task<bool> ReopenAsync(IServiceProvider services, JsonElement payload, CancellationToken ct);
}

internal sealed class JobDefinition<TCommand, TResponse>(string kind) : JobDefinition
    where TCommand : class, IJobCommand, ICommand<TResponse>
{
    public override string Kind => kind;
    public override Type CommandType => typeof(TCommand);
    public override Type HandlerType => typeof(ICommandHandler<TCommand, TResponse>);

    internal override Task RunAsync(IServiceProvider services, JsonElement payload, CancellationToken ct) =>
        SendAsync(services, payload.Read<TCommand>(), ct);

    internal override Task RunAsync(IServiceProvider services, IJobCommand job, CancellationToken ct) =>
        SendAsync(services, (TCommand)job, ct);

    /// <summary>
    /// What <c>ISender.Send</c> runs for the command: its handler inside the pipeline behaviors registered for it, first
    /// registered outermost, resolved from the scope as Mediator's generated handler wrapper resolves them. Composed here
    /// rather than sent so that a job declared outside this assembly (the tests' jobs), which the source generator never
    /// saw, runs through the same behaviors.
    /// </summary>
    private static async Task SendAsync(IServiceProvider services, TCommand command, CancellationToken ct)
    {
        var handler = services.GetRequiredService<ICommandHandler<TCommand, TResponse>>();
        MessageHandlerDelegate<TCommand, TResponse> next = handler.Handle;
        foreach (var behavior in services.GetServices<IPipelineBehavior<TCommand, TResponse>>().Reverse())
        {
            var inner = next;
            next = (message, token) => behavior.Handle(message, inner, token);
        }
        await next(command, ct);
    }

    internal override async Task OnDeadAsync(IServiceProvider services, JsonElement payload, JobContext context, DeadLetter deadLetter, CancellationToken ct)
    {
        if (services.GetService<IJobDeadLetter<TCommand>>() is not { } handler || await ReadValidAsync(services, payload, ct) is not { } job) return;
        if (job is IPracticeJob practiceJob) await services.GetRequiredService<TenantScope>().EnterPracticeAsWorkerAsync(practiceJob.PracticeId, ct);
        await handler.OnDeadAsync(job, context, deadLetter, ct);
    }

    internal override async Task<JobSubject?> SubjectOfAsync(IServiceProvider services, JsonElement payload, CancellationToken ct) =>
        services.GetService<IJobDeadLetter<TCommand>>() is { } handler && await ReadValidAsync(services, payload, ct) is { } job ? handler.SubjectOf(job) : null;

    internal override async Task<bool> ReopenAsync(IServiceProvider services, JsonElement payload, CancellationToken ct) =>
        services.GetService<IJobDeadLetter<TCommand>>() is { } handler && await ReadValidAsync(services, payload, ct) is { } job && await handler.ReopenAsync(job, ct);

    /// <summary>The job the payload names, or null when it cannot be read or fails the job's validators (it then names nothing reliably).</summary>
    private static async Task<TCommand?> ReadValidAsync(IServiceProvider services, JsonElement payload, CancellationToken ct)
    {
        TCommand job;
        try
        {
            job = payload.Read<TCommand>();
        }
        catch (UnreadableJobPayloadException)
        {
            return null;
        }
        foreach (var validator in services.GetServices<IValidator<TCommand>>())
        {
            if (!(await validator.ValidateAsync(job, ct)).IsValid) return null;
        }
        return job;
    }
}

/// <summary>The dead-letter side of jobs for the owner's requests: what a dead job works on, and reopening it on retry.</summary>
public sealed class DeadLetters(JobCatalog catalog, IServiceProvider services)
{
    /// <returns>Null for a kind without a dead-letter handler, or a payload that names nothing.</returns>
    public async Task<JobSubject?> SubjectOfAsync(Job job, CancellationToken ct)
    {
        if (catalog.Find(job.Kind) is not { } definition) return null;
        using var payload = JsonDocument.Parse(job.Payload);
        return await definition.SubjectOfAsync(services, payload.RootElement, ct);
    }

    /// <summary>Undoes what the job's dead-letter handler settled, in the caller's scope and transaction (already in the job's practice).</summary>
    public async Task<bool> ReopenAsync(Job job, CancellationToken ct)
    {
        if (catalog.Find(job.Kind) is not { } definition) return false;
        using var payload = JsonDocument.Parse(job.Payload);
        return await definition.ReopenAsync(services, payload.RootElement, ct);
    }
}
