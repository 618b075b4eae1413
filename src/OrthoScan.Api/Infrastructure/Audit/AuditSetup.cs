using Microsoft.Extensions.Options;
using OrthoScan.Api.Infrastructure.Storage;

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
        services.AddOptions<AuditArchiveOptions>()
            .Bind(configuration.GetSection(AuditArchiveOptions.Section))
            .Validate(o => o.IsValid(), $"{AuditArchiveOptions.Section} is invalid: Retention >= 1 day, BatchSize 1-100000.")
            .ValidateOnStart();
        services.AddSingleton<IAuditArchive>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AuditArchiveOptions>>().Value;
            if (options.Bucket is not { Length: > 0 } bucket) return new FileAuditArchive(options.LocalRoot);
            var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return new S3AuditArchive(StorageSetup.CreateS3Client(storage), bucket, options.Retention, sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<AuditTrailLog>();
        services.AddSingleton<AuditGroupCommit>();
        services.AddScoped<AuditWriter>();
        services.AddScoped<PlatformAuditWriter>();
        if (runSealer) services.AddHostedService<AuditSealer>();
        return services;
    }
}
