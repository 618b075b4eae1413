using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace OrthoScan.Api.Infrastructure.Jobs;

public static class JobsSetup
{
    /// <summary>The queue (every role can enqueue) and, when <paramref name="runWorker"/>, the worker that runs jobs.</summary>
    public static IServiceCollection AddJobs(this IServiceCollection services, IConfiguration configuration, bool runWorker = true)
    {
        services.AddOptions<JobsOptions>()
            .Bind(configuration.GetSection(JobsOptions.Section))
            .Validate(o => o.IsValid(), $"{JobsOptions.Section} is invalid: Concurrency 1-64, PollInterval > 0, Lease >= 1 s, MaxAttempts >= 1, 0 <= BackoffBase <= BackoffCap, DeadLetterAttempts >= 0, SchedulerTick, RawUploadMaxAge and StuckProcessingAfter > 0, sweeps every 1 s or more.")
            .ValidateOnStart();
        services.AddScoped<IJobQueue, JobQueue>();
        services.AddSingleton<JobStore>();
        services.AddSingleton<JobScheduler>();
        if (runWorker)
        {
            services.AddHostedService<JobWorker>();
            services.AddHostedService<SchedulerService>();
        }
        return services;
    }

    /// <summary>Recurring work: a job of <paramref name="kind"/> once per period (its length read from the options), across all instances.</summary>
    public static IServiceCollection AddSchedule(this IServiceCollection services, string name, string kind, Func<JobsOptions, TimeSpan> every) =>
        services.AddSingleton(sp => new Schedule(name, kind, every(sp.GetRequiredService<IOptions<JobsOptions>>().Value)));

    /// <summary>Registers a handler (scoped: a fresh one, with a fresh DbContext, for every run).</summary>
    public static IServiceCollection AddJobHandler<THandler>(this IServiceCollection services) where THandler : class, IJobHandler
    {
        services.TryAddEnumerable(ServiceDescriptor.Scoped<IJobHandler, THandler>());
        return services;
    }
}
