namespace OrthoScan.Api.Infrastructure.Audit;

public static class AuditSetup
{
    /// <summary>The writer (every role audits) and, when <paramref name="runSealer"/>, the sealer that chains the rows.</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services, IConfiguration configuration, bool runSealer)
    {
        services.AddOptions<AuditOptions>()
            .Bind(configuration.GetSection(AuditOptions.Section))
            .Validate(o => o.IsValid(), $"{AuditOptions.Section} is invalid: SealInterval > 0, SealBatchSize 1-10000, SealGracePeriod > SealInterval.")
            .ValidateOnStart();
        services.AddSingleton<AuditGroupCommit>();
        services.AddScoped<AuditWriter>();
        services.AddScoped<PlatformAuditWriter>();
        if (runSealer) services.AddHostedService<AuditSealer>();
        return services;
    }
}
