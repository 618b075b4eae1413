using System.Linq.Expressions;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using OrthoScan.Api.Infrastructure.Audit;
using OrthoScan.Api.Infrastructure.Jobs;

namespace OrthoScan.Api.Infrastructure.Persistence;

public sealed class AppDbContext(DbContextOptions<AppDbContext> options, RequestContext requestContext) : DbContext(options)
{
    // Read by the global query filters at query time; row-level security in PostgreSQL is the hard boundary behind them.
    private Guid? CurrentPracticeId => requestContext.PracticeId;

    public DbSet<Practice> Practices => Set<Practice>();
    public DbSet<UserAccount> UserAccounts => Set<UserAccount>();
    public DbSet<PracticeMember> PracticeMembers => Set<PracticeMember>();
    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();
    public DbSet<OneTimeCode> OneTimeCodes => Set<OneTimeCode>();
    public DbSet<Patient> Patients => Set<Patient>();
    public DbSet<ScanSession> ScanSessions => Set<ScanSession>();
    public DbSet<ScanImage> ScanImages => Set<ScanImage>();
    public DbSet<TagSet> TagSets => Set<TagSet>();
    public DbSet<AiSuggestion> AiSuggestions => Set<AiSuggestion>();
    public DbSet<MessageThread> MessageThreads => Set<MessageThread>();
    public DbSet<Message> Messages => Set<Message>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<DevMailboxMessage> DevMailbox => Set<DevMailboxMessage>();
    public DbSet<SmsOptOut> SmsOptOuts => Set<SmsOptOut>();
    public DbSet<PushDevice> PushDevices => Set<PushDevice>();
    public DbSet<DiscountProposal> DiscountProposals => Set<DiscountProposal>();
    public DbSet<PracticeSubscription> PracticeSubscriptions => Set<PracticeSubscription>();
    public DbSet<Invoice> Invoices => Set<Invoice>();
    /// <summary>Stripe webhook events already taken in, by id; not tenant data (ADR 0012).</summary>
    public DbSet<StripeEvent> StripeEvents => Set<StripeEvent>();
    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();
    public DbSet<AuditSeal> AuditSeals => Set<AuditSeal>();
    public DbSet<AuditArchiveMark> AuditArchiveMarks => Set<AuditArchiveMark>();
    /// <summary>Audit rows not sealed yet, of every practice; not tenant data (ADR 0007).</summary>
    public DbSet<AuditSealQueueEntry> AuditSealQueue => Set<AuditSealQueueEntry>();
    /// <summary>The platform users' audit chain; not tenant data (ADR 0011).</summary>
    public DbSet<PlatformAuditEntry> PlatformAuditLog => Set<PlatformAuditEntry>();
    /// <summary>Background work; not tenant data (ADR 0005).</summary>
    public DbSet<Job> Jobs => Set<Job>();
    /// <summary>Recurring work already enqueued, one row per (schedule, period); not tenant data.</summary>
    public DbSet<ScheduledRun> ScheduledRuns => Set<ScheduledRun>();
    /// <summary>Raw uploads the sweeper deletes when they are old enough; not tenant data (ADR 0006).</summary>
    public DbSet<RawUpload> RawUploads => Set<RawUpload>();
    /// <summary>Training-data exports of the platform; not tenant data (Features/Exports).</summary>
    public DbSet<TagExport> TagExports => Set<TagExport>();
    /// <summary>Per-patient data keys, wrapped under the master key (ADR 0013).</summary>
    public DbSet<PatientDataKey> PatientDataKeys => Set<PatientDataKey>();

    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        foreach (var enumType in typeof(Role).Assembly.GetTypes().Where(t => t.IsEnum && t.Namespace == typeof(Role).Namespace))
        {
            builder.Properties(enumType).HaveConversion(typeof(SnakeCaseEnumConverter<>).MakeGenericType(enumType)).HaveMaxLength(40);
        }
        builder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Practice>(e =>
        {
            e.Property(p => p.Name).HasMaxLength(200);
            e.Property(p => p.Address).HasMaxLength(500);
            e.Property(p => p.TaggingRate).HasPrecision(5, 4);
            e.Property(p => p.DiscountPercent).HasPrecision(5, 2);
            e.OwnsOne(p => p.Settings, s =>
            {
                s.ToJson();
                s.OwnsOne(x => x.ShareDeidentifiedDataChanged);
                s.OwnsOne(x => x.ExternalAiProcessingChanged);
            });
            e.HasQueryFilter(p => p.Id == CurrentPracticeId);
        });

        model.Entity<UserAccount>(e =>
        {
            e.Property(u => u.Email).HasMaxLength(320);
            e.HasIndex(u => u.Email).IsUnique();
        });

        model.Entity<PracticeMember>(e =>
        {
            e.Property(m => m.Name).HasMaxLength(200);
            e.Property(m => m.Credentials).HasMaxLength(200);
            e.HasIndex(m => new { m.PracticeId, m.UserId }).IsUnique();
            e.HasOne<Practice>().WithMany().HasForeignKey(m => m.PracticeId);
            e.HasOne<UserAccount>().WithMany().HasForeignKey(m => m.UserId);
            e.HasQueryFilter(m => m.PracticeId == CurrentPracticeId);
        });

        model.Entity<RefreshToken>(e =>
        {
            e.HasIndex(t => t.TokenHash).IsUnique();
            e.HasIndex(t => t.FamilyId);
            e.Property(t => t.DeviceId).HasMaxLength(200);
        });

        model.Entity<OneTimeCode>(e => e.HasIndex(c => c.CodeHash).IsUnique());

        model.Entity<Patient>(e =>
        {
            e.Property(p => p.FirstName).HasMaxLength(100);
            e.Property(p => p.LastName).HasMaxLength(100);
            e.Property(p => p.AlignerBrand).HasMaxLength(100);
            e.Property(p => p.Email).HasMaxLength(320);
            e.Property(p => p.Phone).HasMaxLength(32);
            e.Property(p => p.Timezone).HasMaxLength(64);
            e.HasIndex(p => new { p.PracticeId, p.LastName, p.FirstName });
            e.HasOne<PracticeMember>().WithMany().HasForeignKey(p => p.DoctorId);
            TenantOwned(e);
        });

        model.Entity<ScanSession>(e =>
        {
            e.HasOne<Patient>().WithMany().HasForeignKey(s => s.PatientId);
            e.Property(s => s.IdempotencyKey).HasMaxLength(100);
            e.HasIndex(s => new { s.PatientId, s.IdempotencyKey }).IsUnique();
            e.HasIndex(s => new { s.PracticeId, s.Status, s.SubmittedAt });
            // Analytics windows: scans received and first reviews per practice and time.
            e.HasIndex(s => new { s.PracticeId, s.SubmittedAt });
            e.HasIndex(s => new { s.PracticeId, s.ReviewedAt });
            // Billing periods: scans received (processed) per practice and time.
            e.HasIndex(s => new { s.PracticeId, s.ProcessedAt });
            e.HasIndex(s => new { s.PatientId, s.CreatedAt });
            TenantOwned(e);
        });

        model.Entity<ScanImage>(e =>
        {
            e.Property(i => i.UploadKey).HasMaxLength(400);
            e.Property(i => i.UploadContentType).HasMaxLength(100);
            e.Property(i => i.FullKey).HasMaxLength(400);
            e.Property(i => i.DisplayKey).HasMaxLength(400);
            e.Property(i => i.ThumbnailKey).HasMaxLength(400);
            e.Property(i => i.DeviceMake).HasMaxLength(100);
            e.Property(i => i.DeviceModel).HasMaxLength(100);
            e.HasOne<ScanSession>().WithMany().HasForeignKey(i => i.SessionId);
            e.HasIndex(i => new { i.SessionId, i.ImageType }).IsUnique();
            TenantOwned(e);
        });

        model.Entity<TagSet>(e =>
        {
            e.Property(t => t.Notes).HasMaxLength(4000);
            e.Property(t => t.TaxonomyVersion).HasMaxLength(20);
            e.OwnsMany(t => t.DetailTags, d => d.ToJson());
            // Named explicitly: analytics SQL reads these keys (ai_outcomes->>'attribute', ->>'overridden').
            e.OwnsMany(t => t.AiOutcomes, d =>
            {
                d.ToJson();
                d.Property(o => o.Attribute).HasJsonPropertyName("attribute");
                d.Property(o => o.Suggested).HasJsonPropertyName("suggested");
                d.Property(o => o.Chosen).HasJsonPropertyName("chosen");
                d.Property(o => o.Confidence).HasJsonPropertyName("confidence");
                d.Property(o => o.Model).HasJsonPropertyName("model");
                d.Property(o => o.Overridden).HasJsonPropertyName("overridden");
            });
            e.HasIndex(t => new { t.SessionId, t.TaggedBy }).IsUnique();
            e.HasIndex(t => new { t.PracticeId, t.TaggedAt });
            e.HasOne<ScanSession>().WithMany().HasForeignKey(t => t.SessionId);
            e.HasOne<PracticeMember>().WithMany().HasForeignKey(t => t.TaggedBy);
            TenantOwned(e);
        });

        model.Entity<AiSuggestion>(e =>
        {
            e.Property(a => a.ModelName).HasMaxLength(100);
            e.Property(a => a.ModelVersion).HasMaxLength(50);
            e.Property(a => a.Attribute).HasMaxLength(30);
            e.Property(a => a.Value).HasMaxLength(60);
            e.HasIndex(a => new { a.SessionId, a.CreatedAt });
            e.HasOne<ScanSession>().WithMany().HasForeignKey(a => a.SessionId);
            TenantOwned(e);
        });

        model.Entity<MessageThread>(e =>
        {
            e.Property(t => t.Subject).HasMaxLength(200);
            e.HasOne<Patient>().WithMany().HasForeignKey(t => t.PatientId);
            e.Property(t => t.LastMessageAt).HasDefaultValueSql("now()");
            e.HasIndex(t => t.PatientId).IsUnique();
            e.HasIndex(t => new { t.PracticeId, t.LastMessageAt, t.Id });
            TenantOwned(e);
        });

        model.Entity<Notification>(e =>
        {
            e.Property(n => n.Recipient).HasMaxLength(320);
            e.Property(n => n.Variables).HasColumnType("jsonb");
            e.Property(n => n.Provider).HasMaxLength(40);
            e.Property(n => n.ProviderMessageId).HasMaxLength(200);
            e.Property(n => n.LastError).HasMaxLength(500);
            e.Property(n => n.DedupeKey).HasMaxLength(200);
            e.HasOne<Patient>().WithMany().HasForeignKey(n => n.PatientId);
            e.HasIndex(n => n.PatientId);
            e.HasIndex(n => new { n.PracticeId, n.DedupeKey }).IsUnique().HasFilter("dedupe_key IS NOT NULL");
            TenantOwned(e);
        });

        model.Entity<PushDevice>(e =>
        {
            e.Property(d => d.Token).HasMaxLength(4096);
            e.HasIndex(d => d.Token).IsUnique();
            e.HasIndex(d => new { d.PatientId, d.LastSeenAt });
            e.HasOne<Patient>().WithMany().HasForeignKey(d => d.PatientId);
            TenantOwned(e);
        });

        model.Entity<SmsOptOut>(e =>
        {
            e.ToTable("sms_opt_outs");
            e.HasKey(o => o.Phone);
            e.Property(o => o.Phone).HasMaxLength(32);
        });

        model.Entity<DevMailboxMessage>(e =>
        {
            e.ToTable("dev_mailbox");
            e.Property(m => m.Recipient).HasMaxLength(320);
            e.Property(m => m.Subject).HasMaxLength(300);
            e.HasIndex(m => m.NotificationId).IsUnique();
            e.HasIndex(m => new { m.Recipient, m.CreatedAt });
        });

        model.Entity<Message>(e =>
        {
            e.Property(m => m.Content).HasMaxLength(8000);
            e.Property(m => m.IdempotencyKey).HasMaxLength(100);
            e.HasOne<MessageThread>().WithMany().HasForeignKey(m => m.ThreadId);
            e.HasIndex(m => new { m.ThreadId, m.CreatedAt, m.Id });
            e.HasIndex(m => new { m.ThreadId, m.IdempotencyKey }).IsUnique().HasFilter("idempotency_key IS NOT NULL");
            TenantOwned(e);
        });

        model.Entity<DiscountProposal>(e =>
        {
            e.Property(d => d.Rate).HasPrecision(5, 4);
            e.Property(d => d.ProposedPercent).HasPrecision(5, 2);
            e.Property(d => d.ApprovedPercent).HasPrecision(5, 2);
            e.Property(d => d.DecisionReason).HasMaxLength(500);
            e.Property(d => d.AppliedTo).HasMaxLength(100);
            // One proposal per practice and period, however many workers close it at once.
            e.HasIndex(d => new { d.PracticeId, d.PeriodStart }).IsUnique();
            TenantOwned(e);
        });

        model.Entity<PracticeSubscription>(e =>
        {
            e.Property(s => s.StripeCustomerId).HasMaxLength(100);
            e.Property(s => s.StripeSubscriptionId).HasMaxLength(100);
            // One subscription per practice; a Stripe subscription belongs to one of them.
            e.HasIndex(s => s.PracticeId).IsUnique();
            e.HasIndex(s => s.StripeSubscriptionId).IsUnique();
            e.HasOne<Practice>().WithMany().HasForeignKey(x => x.PracticeId);
            e.HasQueryFilter(s => s.PracticeId == CurrentPracticeId);
        });

        model.Entity<Invoice>(e =>
        {
            e.Property(i => i.Number).HasMaxLength(100);
            e.Property(i => i.StripeInvoiceId).HasMaxLength(100);
            e.Property(i => i.Currency).HasMaxLength(3);
            e.Property(i => i.HostedUrl).HasMaxLength(2000);
            // The number is made of the practice and the period offline, so a period is invoiced once however many workers run.
            e.HasIndex(i => i.Number).IsUnique();
            e.HasIndex(i => i.StripeInvoiceId).IsUnique();
            e.HasIndex(i => new { i.PracticeId, i.PeriodStart });
            e.HasOne<DiscountProposal>().WithMany().HasForeignKey(i => i.DiscountProposalId);
            TenantOwned(e);
        });

        model.Entity<StripeEvent>(e =>
        {
            e.ToTable("stripe_events");
            e.HasKey(x => x.EventId);
            e.Property(x => x.EventId).HasMaxLength(100);
            e.Property(x => x.Type).HasMaxLength(100);
        });

        model.Entity<AuditEntry>(e =>
        {
            e.ToTable("audit_log");
            // Keyed by practice first: the key is also the index for listing a practice's trail and for finding its rows by id.
            e.HasKey(a => new { a.PracticeId, a.Id });
            e.Property(a => a.Id).UseIdentityAlwaysColumn();
            e.Property(a => a.Action).HasMaxLength(100);
            e.Property(a => a.ActorRole).HasMaxLength(40);
            e.Property(a => a.ResourceType).HasMaxLength(60);
            e.Property(a => a.IpAddress).HasMaxLength(64);
            e.HasIndex(a => new { a.PracticeId, a.ResourceType, a.ResourceId });
            e.HasQueryFilter(a => a.PracticeId == CurrentPracticeId);
        });

        model.Entity<AuditSeal>(e =>
        {
            e.HasKey(s => new { s.PracticeId, s.Seq });
            // One link per audit row, whoever seals: the backstop behind the sealer's lock.
            e.HasIndex(s => s.AuditId).IsUnique();
            e.HasQueryFilter(s => s.PracticeId == CurrentPracticeId);
        });

        model.ApplyConfiguration(new AuditArchiveMarkConfiguration());
        model.Entity<AuditArchiveMark>().HasQueryFilter(m => m.PracticeId == CurrentPracticeId);

        model.Entity<AuditSealQueueEntry>(e =>
        {
            e.ToTable("audit_seal_queue");
            e.HasKey(q => new { q.PracticeId, q.FirstId });
        });

        model.ApplyConfiguration(new JobConfiguration());
        model.ApplyConfiguration(new ScheduledRunConfiguration());
        model.ApplyConfiguration(new RawUploadConfiguration());
        model.ApplyConfiguration(new PlatformAuditEntryConfiguration());

        model.Entity<TagExport>(e =>
        {
            e.ToTable("tag_exports", t => t.HasCheckConstraint("ck_tag_exports_k", "k BETWEEN 5 AND 50"));
            e.Property(x => x.IdempotencyKey).HasMaxLength(100);
            e.Property(x => x.Report).HasColumnType("jsonb");
            e.Property(x => x.BlobKey).HasMaxLength(400);
            e.Property(x => x.Error).HasMaxLength(500);
            // A retried start with the same key finds the first export; two concurrent ones cannot both insert.
            e.HasIndex(x => new { x.RequestedBy, x.IdempotencyKey }).IsUnique().HasFilter("idempotency_key IS NOT NULL");
            e.HasIndex(x => new { x.CreatedAt, x.Id });
        });

        model.Entity<PatientDataKey>(e =>
        {
            e.HasKey(k => k.PatientId);
            e.HasOne<Patient>().WithMany().HasForeignKey(k => k.PatientId);
            TenantOwned(e);
        });
    }

    private void TenantOwned<T>(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<T> e) where T : class, ITenantOwned
    {
        e.HasOne<Practice>().WithMany().HasForeignKey(x => x.PracticeId);
        e.HasIndex(x => x.PracticeId);
        Expression<Func<T, bool>> filter = x => x.PracticeId == CurrentPracticeId;
        e.HasQueryFilter(filter);
    }
}

/// <summary>Enums are stored as the same snake_case words the API speaks (buccal_l, approve_progression).</summary>
public sealed class SnakeCaseEnumConverter<TEnum>() : ValueConverter<TEnum, string>(
    v => JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()),
    v => Parse(v))
    where TEnum : struct, Enum
{
    private static readonly Dictionary<string, TEnum> ByName =
        Enum.GetValues<TEnum>().ToDictionary(e => JsonNamingPolicy.SnakeCaseLower.ConvertName(e.ToString()));

    /// <summary>The stored (and spoken) word of a value, for raw SQL that writes or compares it.</summary>
    public static string Text(TEnum value) => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    private static TEnum Parse(string value) => ByName[value];
}

/// <summary>All times are UTC; PostgreSQL timestamptz gives them back as UTC, and we refuse to store any other kind.</summary>
public sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : DateTime.SpecifyKind(v.ToUniversalTime(), DateTimeKind.Utc),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
