using System.Reflection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace OrthoScan.Api.Infrastructure.Jobs;

public static class JobsSetup
{
    /// <summary>
    /// The queue (every role can enqueue), every job this assembly declares, and, when <paramref name="runWorker"/>, the
    /// worker that runs them and the scheduler. Nothing else registers jobs: a job is found from its own file.
    /// </summary>
    public static IServiceCollection AddJobs(this IServiceCollection services, IConfiguration configuration, bool runWorker = true)
    {
        services.AddOptions<JobsOptions>()
            .Bind(configuration.GetSection(JobsOptions.Section))
            .Validate(o => o.IsValid(), $"{JobsOptions.Section} is invalid: Concurrency 1-64, PollInterval > 0, Lease >= 1 s, MaxAttempts >= 1, 0 <= BackoffBase <= BackoffCap, DeadLetterAttempts >= 0, SchedulerTick, RawUploadMaxAge and StuckProcessingAfter > 0, sweeps every 1 s or more.")
            .ValidateOnStart();
        services.AddScoped<IJobQueue, JobQueue>();
        services.AddScoped<CurrentJob>();
        services.AddScoped<DeadLetters>();
        services.AddScoped<PracticeSweep>();
        services.AddSingleton<JobCatalog>();
        services.AddHostedService<JobCatalogCheck>();
        services.AddSingleton<JobStore>();
        services.AddSingleton<JobScheduler>();
        services.AddSingleton(sp => new JobQueueMetrics(sp.GetRequiredService<JobStore>(), sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddJobsFrom(typeof(JobsSetup).Assembly);
        if (runWorker)
        {
            services.AddHostedService<JobWorker>();
            services.AddHostedService<SchedulerService>();
        }
        return services;
    }

    /// <summary>
    /// The job queue's gauges over OTLP to the collector beside the task (ECS: the ADOT sidecar, which turns them into
    /// CloudWatch metrics for the worker's autoscaling and alarms), when OTEL_EXPORTER_OTLP_ENDPOINT names one; a worker
    /// then samples the queue for them. Without an exporter nothing reads the gauges, so nothing samples.
    /// </summary>
    public static IServiceCollection AddJobQueueMetricsExport(this IServiceCollection services, IConfiguration config, bool runWorker)
    {
        if (Otlp.Endpoint(config) is null) return services;
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(Otlp.ServiceName(config)))
            .WithMetrics(m => m.AddMeter(JobQueueMetrics.MeterName).AddOtlpExporter());
        if (runWorker) services.AddHostedService<JobQueueMetricsService>();
        return services;
    }

    /// <summary>
    /// Registers every job an assembly declares: each <see cref="JobKindAttribute"/> command as a kind the worker runs,
    /// its <see cref="ScheduleAttribute"/> as recurring work, and each <see cref="IJobDeadLetter{TCommand}"/> (scoped, also
    /// as itself). The command's handler and validator are registered with Mediator's and FluentValidation's like any
    /// request's. Registering an assembly twice adds nothing; two commands of one kind stop the host from starting.
    /// </summary>
    public static IServiceCollection AddJobsFrom(this IServiceCollection services, Assembly assembly)
    {
        foreach (var (command, response, kind) in JobCatalog.CommandsIn(assembly))
        {
            if (services.Any(d => d.ImplementationInstance is JobDefinition registered && registered.CommandType == command)) continue;
            services.AddSingleton(JobDefinition.For(command, response, kind));
            if (command.GetCustomAttribute<ScheduleAttribute>() is { } schedule) services.AddSingleton(ScheduleOf(schedule, kind, command));
        }

        foreach (var handler in assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false }))
        {
            foreach (var deadLetter in handler.GetInterfaces().Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IJobDeadLetter<>)))
            {
                services.TryAddScoped(handler);
                services.TryAdd(ServiceDescriptor.Scoped(deadLetter, sp => sp.GetRequiredService(handler)));
            }
        }
        return services;
    }

    private static Func<IServiceProvider, Schedule> ScheduleOf(ScheduleAttribute schedule, string kind, Type command)
    {
        var every = typeof(JobsOptions).GetProperty(schedule.EverySetting) is { } setting && setting.PropertyType == typeof(TimeSpan)
            ? setting
            : throw new InvalidOperationException($"The schedule of {command} names {schedule.EverySetting}, which is not a TimeSpan of {nameof(JobsOptions)}.");
        return sp => new Schedule(schedule.Name, kind, (TimeSpan)every.GetValue(sp.GetRequiredService<IOptions<JobsOptions>>().Value)!);
    }
}
