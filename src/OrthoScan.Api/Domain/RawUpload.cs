using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OrthoScan.Api.Domain;

/// <summary>
/// A photo as the patient's app uploaded it (EXIF and GPS included), recorded when its upload URL is issued, so the
/// raw-upload sweeper can delete it once it is <c>RawUploadMaxAge</c> old whatever became of its scan. Not tenant data,
/// like the jobs table (ADR 0006): no practice column and no row-level security, so one sweep reaches every practice.
/// It holds ids only: the object key, which starts with <c>raw/practices/{practiceId}/</c>, and the image's id. Raw
/// uploads live under their own <see cref="Prefix"/>, apart from the derivatives, so the bucket's lifecycle rule can
/// expire them after a day even when the sweeper does not run (infra/terraform/modules/storage).
/// </summary>
public sealed class RawUpload
{
    public required string Key { get; set; }
    public Guid ImageId { get; set; }
    public DateTime CreatedAt { get; set; }

    public const string Prefix = "raw/";

    /// <summary>The key of a new raw upload of an image; the segments after <see cref="Prefix"/> name the practice (<see cref="PracticeOf"/>).</summary>
    public static string KeyFor(Guid practiceId, Guid patientId, Guid sessionId, string random) =>
        $"{Prefix}practices/{practiceId}/patients/{patientId}/sessions/{sessionId}/{random}.upload";

    /// <summary>The practice a raw upload key belongs to; null for a key that is not one.</summary>
    public static Guid? PracticeOf(string key) =>
        key.Split('/') is ["raw", "practices", var practice, ..] && Guid.TryParseExact(practice, "D", out var id) ? id : null;
}

internal sealed class RawUploadConfiguration : IEntityTypeConfiguration<RawUpload>
{
    public void Configure(EntityTypeBuilder<RawUpload> e)
    {
        e.ToTable("raw_uploads");
        e.HasKey(u => u.Key);
        e.Property(u => u.Key).HasMaxLength(400);
        e.HasIndex(u => u.CreatedAt);
    }
}
