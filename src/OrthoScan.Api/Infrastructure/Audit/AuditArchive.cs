using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OrthoScan.Api.Infrastructure.Audit;

/// <summary>
/// Where sealed audit rows are copied for six years, out of reach of the database and of anyone who can change it: an S3
/// bucket with Object Lock in compliance mode (infra/terraform/modules/storage), or a local folder of write-once files.
/// </summary>
public interface IAuditArchive
{
    /// <summary>Writes the object unless one with that key exists; false when it already did (a run that died after writing).</summary>
    Task<bool> PutOnceAsync(string key, byte[] content, CancellationToken ct);
}

public sealed class AuditArchiveOptions
{
    public const string Section = "OrthoScan:Audit:Archive";

    /// <summary>The Object Lock bucket; unset, the archive is the local folder <see cref="LocalRoot"/>.</summary>
    public string? Bucket { get; set; }

    public string LocalRoot { get; set; } = ".local/audit-archive";

    /// <summary>How long each object is locked (compliance mode: nobody, root included, can shorten it). HIPAA: 6 years.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(2192);

    /// <summary>Sealed rows per archive object.</summary>
    public int BatchSize { get; set; } = 5000;

    internal bool IsValid() => Retention >= TimeSpan.FromDays(1) && BatchSize is >= 1 and <= 100_000;
}

/// <summary>
/// Puts each object with its own compliance-mode retention (on top of the bucket's default) and If-None-Match: *, so an
/// archived range is never replaced, not even by a second version.
/// </summary>
public sealed class S3AuditArchive(IAmazonS3 s3, string bucket, TimeSpan retention, TimeProvider clock) : IAuditArchive
{
    public async Task<bool> PutOnceAsync(string key, byte[] content, CancellationToken ct)
    {
        try
        {
            await s3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = bucket,
                Key = key,
                InputStream = new MemoryStream(content, writable: false),
                ContentType = "application/x-ndjson",
                IfNoneMatch = "*",
                ObjectLockMode = ObjectLockMode.Compliance,
                ObjectLockRetainUntilDate = clock.GetUtcNow().UtcDateTime + retention,
                ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
                ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
            }, ct);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            return false;
        }
    }
}

/// <summary>The archive of a machine without S3 (`make run`): files created once and made read-only.</summary>
public sealed class FileAuditArchive(string root) : IAuditArchive
{
    public async Task<bool> PutOnceAsync(string key, byte[] content, CancellationToken ct)
    {
        var path = Path.GetFullPath(Path.Combine(root, key));
        if (!path.StartsWith(Path.GetFullPath(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException("The archive key leaves the archive folder.", nameof(key));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (File.Exists(path)) return false;
        var partial = path + ".partial";
        await File.WriteAllBytesAsync(partial, content, ct);
        try
        {
            File.Move(partial, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(partial);
            return false;
        }
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead);
        return true;
    }
}

/// <summary>How far a practice's audit chain is in the archive: every link up to <see cref="ArchivedSeq"/>.</summary>
public sealed class AuditArchiveMark
{
    public Guid PracticeId { get; set; }
    public long ArchivedSeq { get; set; }
    public DateTime ArchivedAt { get; set; }
}

internal sealed class AuditArchiveMarkConfiguration : IEntityTypeConfiguration<AuditArchiveMark>
{
    public void Configure(EntityTypeBuilder<AuditArchiveMark> e)
    {
        e.ToTable("audit_archive_marks");
        e.HasKey(m => m.PracticeId);
    }
}
