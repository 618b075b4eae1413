namespace OrthoScan.Api.Infrastructure.Jobs;

public sealed class JobsOptions
{
    public const string Section = "OrthoScan:Jobs";

    /// <summary>Jobs one worker process runs at the same time (one claim loop each).</summary>
    public int Concurrency { get; set; } = 2;
    /// <summary>How often an idle loop looks for work. New jobs also wake it at once (LISTEN/NOTIFY); the poll catches
    /// retries and scheduled jobs coming due, and covers a lost notification.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>How long a claim holds without renewal. A running job renews it every third of this, so it only bounds how
    /// soon the job of a dead worker is claimed again.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>Runs of a job before it is dead-lettered; stored on each job when it is enqueued.</summary>
    public int MaxAttempts { get; set; } = 5;
    /// <summary>Delay before the first retry; it doubles with every further attempt, with ±20 % jitter.</summary>
    public TimeSpan BackoffBase { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan BackoffCap { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>Further tries of a dead-letter handler (<see cref="IJobDeadLetter{TCommand}.OnDeadAsync"/>) after its first
    /// failed one, with the same backoff; the job is recorded dead after that whatever happens.</summary>
    public int DeadLetterAttempts { get; set; } = 5;

    /// <summary>Whether this worker process ticks the recurring schedules (every instance may: each period runs once).</summary>
    public bool RunScheduler { get; set; } = true;
    /// <summary>How often newly sealed audit rows are copied to the write-once archive (Features/Audit/ArchiveAuditLog).</summary>
    public TimeSpan AuditArchiveEvery { get; set; } = TimeSpan.FromHours(1);
    /// <summary>How often the worker samples the queue's depth and oldest job for its metrics (the autoscaling signal).</summary>
    public TimeSpan MetricsEvery { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>How often the scheduler looks whether a schedule's current period has run.</summary>
    public TimeSpan SchedulerTick { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A raw upload (the photo as sent, EXIF and GPS included) is deleted once it is this old, whatever happened to its scan.</summary>
    public TimeSpan RawUploadMaxAge { get; set; } = TimeSpan.FromHours(24);
    public TimeSpan RawUploadSweepEvery { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary>A scan still processing this long after it was sent, with no queued or running job, is settled as failed.</summary>
    public TimeSpan StuckProcessingAfter { get; set; } = TimeSpan.FromMinutes(30);
    public TimeSpan StuckSessionSweepEvery { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>How often the billing period close looks for a period that became final (it writes each period's proposals once).</summary>
    public TimeSpan BillingPeriodCloseEvery { get; set; } = TimeSpan.FromDays(1);
    /// <summary>How often offline subscriptions whose period ended are invoiced (each period once).</summary>
    public TimeSpan OfflineInvoicesEvery { get; set; } = TimeSpan.FromHours(1);
    /// <summary>How often granted discounts of Stripe-billed practices are put on their subscriptions as coupons.</summary>
    public TimeSpan StripeDiscountsEvery { get; set; } = TimeSpan.FromHours(1);
    /// <summary>How often patients whose scan came due are reminded (each reminder once per due date).</summary>
    public TimeSpan ScanRemindersEvery { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The wait before the retry that follows the given failed attempt (1 for the first).</summary>
    public TimeSpan RetryDelay(int failedAttempt, double random)
    {
        var exponential = BackoffBase.TotalMilliseconds * Math.Pow(2, Math.Clamp(failedAttempt - 1, 0, 30));
        var capped = Math.Min(exponential, BackoffCap.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + 0.4 * random));
    }

    internal bool IsValid() =>
        Concurrency is >= 1 and <= 64 && PollInterval > TimeSpan.Zero && Lease >= TimeSpan.FromSeconds(1)
        && MaxAttempts >= 1 && BackoffBase >= TimeSpan.Zero && BackoffCap >= BackoffBase && DeadLetterAttempts >= 0
        && SchedulerTick > TimeSpan.Zero && RawUploadMaxAge > TimeSpan.Zero && RawUploadSweepEvery >= TimeSpan.FromSeconds(1)
        && StuckProcessingAfter > TimeSpan.Zero && StuckSessionSweepEvery >= TimeSpan.FromSeconds(1)
        && BillingPeriodCloseEvery >= TimeSpan.FromSeconds(1) && OfflineInvoicesEvery >= TimeSpan.FromSeconds(1)
        && StripeDiscountsEvery >= TimeSpan.FromSeconds(1) && ScanRemindersEvery >= TimeSpan.FromSeconds(1) && MetricsEvery >= TimeSpan.FromSeconds(1) && AuditArchiveEvery >= TimeSpan.FromSeconds(1);
}
