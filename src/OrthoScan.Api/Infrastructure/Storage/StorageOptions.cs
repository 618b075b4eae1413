namespace OrthoScan.Api.Infrastructure.Storage;

/// <summary>OrthoScan:Storage. Locally: the encrypted file store under LocalRoot. In AWS: S3 with SSE-KMS.</summary>
public sealed class StorageOptions
{
    public const string Section = "OrthoScan:Storage";

    /// <summary>"local" (encrypted files, signed URLs served by this API) or "s3".</summary>
    public string Provider { get; set; } = "local";

    /// <summary>Folder of the local store; relative paths are taken from the working directory, like the other .local/ files.</summary>
    public string LocalRoot { get; set; } = ".local/blobs";

    /// <summary>Wraps the local store's data keys: "local" (OrthoScan:Secrets:MasterKey) or "kms" (KmsKeyId).</summary>
    public string KeyProvider { get; set; } = "local";

    /// <summary>Scheme and host put before the local store's /api/v1/blobs/... URLs; empty: relative URLs.</summary>
    public string? PublicBaseUrl { get; set; }

    public string? Bucket { get; set; }

    /// <summary>S3 endpoint override (an emulator such as s3rver); path-style addressing is used when set.</summary>
    public string? ServiceUrl { get; set; }

    public bool? ForcePathStyle { get; set; }

    public string Region { get; set; } = "eu-west-1";

    /// <summary>KMS key (id, ARN or alias): S3's SSE-KMS key, and the key that wraps data keys when KeyProvider is "kms".</summary>
    public string? KmsKeyId { get; set; }

    /// <summary>KMS endpoint override (tests point it at a fake on loopback).</summary>
    public string? KmsServiceUrl { get; set; }
}
