using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OrthoScan.Api.Infrastructure.Jobs;

public static class JobsSetup
{
    /// <summary>The queue (every role can enqueue) and, when <paramref name="runWorker"/>, the worker that runs jobs.</summary>
    public static IServiceCollection AddJobs(this IServiceCollection services, IConfiguration configuration, bool runWorker = true)
    {
        services.AddOptions<JobsOptions>()
            .Bind(configuration.GetSection(JobsOptions.Section))
            .Validate(o => o.IsValid(), $"{JobsOptions.Section} is invalid: Concurrency 1-64, PollInterval > 0, Lease >= 1 s, MaxAttempts >= 1, 0 <= BackoffBase <= BackoffCap.")
            .ValidateOnStart();
        services.AddScoped<IJobQueue, JobQueue>();
        services.AddSingleton<JobStore>();
        if (runWorker) services.AddHostedService<JobWorker>();
        return services;
    }

    /// <summary>Registers a handler (scoped: a fresh one, with a fresh DbContext, for every run).</summary>
    public static IServiceCollection AddJobHandler<THandler>(this IServiceCollection services) where THandler : class, IJobHandler
    {
        services.TryAddEnumerable(ServiceDescriptor.Scoped<IJobHandler, THandler>());
        return services;
    }
}
