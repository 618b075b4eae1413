using Amazon;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OrthoScan.Api.Infrastructure.Storage;

public static class StorageSetup
{
    /// <summary>
    /// Registers <see cref="IBlobStore"/> from OrthoScan:Storage: "local" (the default) registers
    /// <see cref="EncryptedFileBlobStore"/> with its <see cref="IKeyProvider"/>; "s3" registers <see cref="S3BlobStore"/>.
    /// AWS credentials come from the SDK's default chain (the task role on ECS). Both get the per-patient keyring
    /// (<see cref="PatientKeyring"/>, keys wrapped by the <see cref="IKeyProvider"/>: KMS under KmsKeyId with S3).
    /// </summary>
    public static IServiceCollection AddBlobStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(StorageOptions.Section);
        var options = section.Get<StorageOptions>() ?? new StorageOptions();
        services.Configure<StorageOptions>(section);
        services.Configure<SecretsOptions>(configuration.GetSection(SecretsOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<BlobUrlSigner>();

        switch (options.Provider.Trim().ToLowerInvariant())
        {
            case "local":
                services.AddSingleton<IKeyProvider>(sp => CreateKeyProvider(options, sp));
                services.AddSingleton<IPatientKeyring, PatientKeyring>();
                services.AddSingleton(sp => new EncryptedFileBlobStore(options.LocalRoot, sp.GetRequiredService<IKeyProvider>(),
                    sp.GetRequiredService<BlobUrlSigner>(), sp.GetRequiredService<TimeProvider>(), options.PublicBaseUrl,
                    patientKeys: sp.GetRequiredService<IPatientKeyring>()));
                services.AddSingleton<IBlobStore>(sp => sp.GetRequiredService<EncryptedFileBlobStore>());
                break;
            case "s3":
                services.AddSingleton<IKeyProvider>(_ => new KmsKeyProvider(CreateKmsClient(options), Require(options.KmsKeyId, "KmsKeyId"), ownsClient: true));
                services.AddSingleton<IPatientKeyring, PatientKeyring>();
                services.AddSingleton<IBlobStore>(sp => new S3BlobStore(CreateS3Client(options), Require(options.Bucket, "Bucket"),
                    Require(options.KmsKeyId, "KmsKeyId"), sp.GetRequiredService<TimeProvider>(), ownsClient: true,
                    new ObjectDataKeys(sp.GetRequiredService<IKeyProvider>(), sp.GetRequiredService<IPatientKeyring>()),
                    sp.GetRequiredService<BlobUrlSigner>(), options.PublicBaseUrl));
                break;
            default:
                throw new InvalidOperationException($"{StorageOptions.Section}:Provider must be \"local\" or \"s3\", not \"{options.Provider}\".");
        }
        return services;
    }

    private static IKeyProvider CreateKeyProvider(StorageOptions options, IServiceProvider sp) => options.KeyProvider.Trim().ToLowerInvariant() switch
    {
        "local" => ActivatorUtilities.CreateInstance<LocalKeyProvider>(sp),
        "kms" => new KmsKeyProvider(CreateKmsClient(options), Require(options.KmsKeyId, "KmsKeyId"), ownsClient: true),
        _ => throw new InvalidOperationException($"{StorageOptions.Section}:KeyProvider must be \"local\" or \"kms\", not \"{options.KeyProvider}\"."),
    };

    /// <summary>
    /// The origins (scheme, host, port) of the upload and download links the configured store hands out when they are not
    /// relative: <see cref="StorageOptions.PublicBaseUrl"/>'s (the API's own /api/v1/blobs links) and, with S3, the
    /// bucket's pre-signed links. Empty for the default local store, whose links are relative (same origin). A page that
    /// shows or uploads photos from a browser allows these in its Content-Security-Policy.
    /// </summary>
    public static IReadOnlyList<string> LinkOrigins(StorageOptions options)
    {
        var origins = new List<string>();
        if (options.PublicBaseUrl is { Length: > 0 } publicBase)
        {
            if (!Uri.TryCreate(publicBase, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new InvalidOperationException($"{StorageOptions.Section}:PublicBaseUrl must be an absolute http(s) URL, not \"{publicBase}\".");
            origins.Add(uri.GetLeftPart(UriPartial.Authority));
        }
        if (options.Provider.Trim().Equals("s3", StringComparison.OrdinalIgnoreCase))
        {
            // The client the store uses, with throwaway credentials: signing a link is offline and its host does not depend on them.
            using var s3 = CreateS3Client(options, new BasicAWSCredentials("link-origin", "link-origin"));
            origins.Add(S3BlobStore.LinkOrigin(s3, Require(options.Bucket, "Bucket")));
        }
        return [.. origins.Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>The S3 client the options describe; credentials from the default chain unless given.</summary>
    public static AmazonS3Client CreateS3Client(StorageOptions options, AWSCredentials? credentials = null)
    {
        var config = new AmazonS3Config();
        if (options.ServiceUrl is { Length: > 0 } url)
        {
            config.ServiceURL = url;
            config.AuthenticationRegion = options.Region;
            config.ForcePathStyle = options.ForcePathStyle ?? true;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
            config.ForcePathStyle = options.ForcePathStyle ?? false;
        }
        return credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(credentials, config);
    }

    /// <summary>The KMS client the options describe; credentials from the default chain unless given.</summary>
    public static AmazonKeyManagementServiceClient CreateKmsClient(StorageOptions options, AWSCredentials? credentials = null)
    {
        var config = new AmazonKeyManagementServiceConfig();
        if (options.KmsServiceUrl is { Length: > 0 } url)
        {
            config.ServiceURL = url;
            config.AuthenticationRegion = options.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        return credentials is null ? new AmazonKeyManagementServiceClient(config) : new AmazonKeyManagementServiceClient(credentials, config);
    }

    private static string Require(string? value, string name) =>
        value is { Length: > 0 } ? value : throw new InvalidOperationException($"{StorageOptions.Section}:{name} is not configured.");
}
