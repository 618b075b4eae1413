using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OrthoScan.Api.Infrastructure.Jobs;

/// <summary>
/// One unit of background work. Deliberately not tenant data: it has no practice_id and no row-level security, so a
/// worker can claim the work of every practice. The payload (the job's command) names the practice and the ids the job
/// needs, and the pipeline enters that practice before the job's handler runs; a payload never carries patient data beyond
/// ids (ADR 0005).
/// </summary>
public sealed class Job
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Kind { get; set; }
    /// <summary>JSON (jsonb), camelCase like the API.</summary>
    public required string Payload { get; set; }
    public JobStatus Status { get; set; } = JobStatus.Queued;
    /// <summary>Claims so far; the claim increments it, so it also fences a worker whose lease was taken over.</summary>
    public int Attempts { get; set; }
    public int MaxAttempts { get; set; }
    /// <summary>Not claimed before this time. Left unset, the database's now() at insert.</summary>
    public DateTime RunAfter { get; set; }
    /// <summary>The worker that claimed it last (kept after it finished, for diagnosis).</summary>
    public string? LockedBy { get; set; }
    /// <summary>The lease: while running, another worker may claim the job once this has passed.</summary>
    public DateTime? LockedUntil { get; set; }
    public string? LastError { get; set; }
    /// <summary>The .NET type of the exception behind <see cref="LastError"/>; null when no exception was the cause.</summary>
    public string? LastErrorType { get; set; }
    /// <summary>Why its last attempt ended; set once the job is being dead-lettered, cleared by a retry.</summary>
    public DeadReason? DeadReason { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
}

/// <summary>Stored as the lower-case word; <see cref="JobStore"/> writes the same words in SQL.</summary>
public enum JobStatus { Queued, Running, Succeeded, Dead }

/// <summary>What ended a job's last attempt (stored and answered as the snake_case word).</summary>
public enum DeadReason
{
    /// <summary>The handler threw on the last attempt.</summary>
    Failed,
    /// <summary>The last attempt never finished: its worker stopped (killed, out of memory) or lost the lease.</summary>
    Abandoned,
    /// <summary>The payload cannot be read as the job's command; retrying cannot help.</summary>
    UnreadablePayload,
    /// <summary>The job was refused as a request would be with a 4xx (its payload failed validation, or it broke a rule): dead at once.</summary>
    Refused,
}

internal sealed class JobConfiguration : IEntityTypeConfiguration<Job>
{
    public void Configure(EntityTypeBuilder<Job> e)
    {
        e.ToTable("jobs", t =>
        {
            t.HasCheckConstraint("ck_jobs_status", "status IN ('queued', 'running', 'succeeded', 'dead')");
            t.HasCheckConstraint("ck_jobs_dead_reason", "dead_reason IN ('failed', 'abandoned', 'unreadable_payload', 'refused')");
        });
        e.Property(j => j.Id).ValueGeneratedNever();
        e.Property(j => j.Kind).HasColumnType("text");
        e.Property(j => j.Payload).HasColumnType("jsonb");
        e.Property(j => j.Status).HasConversion<SnakeCaseEnumConverter<JobStatus>>().HasColumnType("text");
        e.Property(j => j.DeadReason).HasConversion<SnakeCaseEnumConverter<DeadReason>>().HasColumnType("text");
        e.Property(j => j.LastErrorType).HasColumnType("text");
        e.Property(j => j.RunAfter).HasDefaultValueSql("now()");
        e.Property(j => j.CreatedAt).HasDefaultValueSql("now()");
        e.HasIndex(j => new { j.Status, j.RunAfter });
    }
}
