using OrthoScan.Api.Features.Billing;
using OrthoScan.Api.Features.Scans;
using OrthoScan.Api.Features.Tagging;
using OrthoScan.Api.Infrastructure.Billing;
using OrthoScan.Api.Infrastructure.Imaging;
using OrthoScan.Api.Infrastructure.Jobs;
using OrthoScan.Api.Infrastructure.Storage;

namespace OrthoScan.Api.Infrastructure.Persistence;

/// <summary>
/// Scan sessions for the demo practice so the review feed is not empty: synthetic photos go through the same
/// processing job the worker runs (derivatives, quality, duplicates, through the same pipeline), only inline. Then a
/// past billing period with scans in it, closed, so that finance has the practice's discount proposal to decide.
/// </summary>
public static class DemoScans
{
    private const int Sessions = 8;
    /// <summary>Scans received in the settled period; all but the last are reviewed with a complete tag set (3 of 4: 75 %).</summary>
    private const int SettledSessions = 4;

    public static async Task SeedAsync(IServiceProvider services, Guid practiceId, CancellationToken ct)
    {
        var patients = await WithScopeAsync(services, practiceId, async (db, _) =>
        {
            if (await db.ScanSessions.AnyAsync(ct)) return [];
            return await db.Patients.AsNoTracking().Where(p => p.Status == PatientStatus.Active)
                .OrderBy(p => p.LastName).Take(Sessions).ToListAsync(ct);
        });

        var now = DateTime.UtcNow;
        for (var i = 0; i < patients.Count; i++)
        {
            var patient = patients[i];
            // Every patient also has an earlier, reviewed scan: the comparison on the review screen, and the tagged history
            // `train-demo-model` learns the demo model from.
            var earlier = await SeedScanAsync(services, practiceId, patient, now.AddDays(-7).AddHours(i), Math.Max(1, patient.CurrentStage - 1), 2000 + i * 10, ct);
            await ReviewAsync(services, practiceId, earlier, i, ct);
            await SeedScanAsync(services, practiceId, patient, now.AddHours(-30 + i * 3), patient.CurrentStage, 1000 + i * 10, ct);
        }
    }

    /// <summary>
    /// Scans received in the latest settled billing period (<see cref="BillingPeriod.LatestSettled"/>), all reviewed, all but
    /// one with a complete tag set (the last by a quick action), unless the practice has received scans in that period or
    /// has a discount proposal already; then that period is closed as the scheduler closes it, which writes the proposal once.
    /// </summary>
    public static async Task SeedSettledPeriodAsync(IServiceProvider services, Guid practiceId, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        var period = BillingPeriod.LatestSettled(now);
        var patients = await WithScopeAsync(services, practiceId, async (db, _) =>
        {
            if (await db.DiscountProposals.AnyAsync(ct) || await db.ScanSessions.AnyAsync(s => s.ProcessedAt >= period.Start && s.ProcessedAt < period.End, ct)) return [];
            return await db.Patients.AsNoTracking().Where(p => p.Status == PatientStatus.Active)
                .OrderBy(p => p.LastName).Take(SettledSessions).ToListAsync(ct);
        });

        for (var i = 0; i < patients.Count; i++)
        {
            var patient = patients[i];
            var at = period.Start.AddDays(3 + i * 5).AddHours(10);
            var sessionId = await SeedScanAsync(services, practiceId, patient, at, Math.Max(1, patient.CurrentStage - 2), 3000 + i * 10, ct);
            // Processing stamps the time it ran; a demo scan of that period was received then.
            await WithScopeAsync(services, practiceId, (db, _) =>
                db.ScanSessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(u => u.SetProperty(s => s.ProcessedAt, at.AddMinutes(2)), ct));
            if (i < SettledSessions - 1) await ReviewAsync(services, practiceId, sessionId, Sessions + i, ct);
            else await QuickActionAsync(services, practiceId, sessionId, ct);
        }

        await services.GetRequiredService<JobCatalog>().RunNowAsync(services, new CloseBillingPeriod.Command(now), ct);
    }

    private static async Task<Guid> SeedScanAsync(
        IServiceProvider services, Guid practiceId, Patient patient, DateTime at, int aligner, int photoSeed, CancellationToken ct)
    {
        var sessionId = await WithScopeAsync(services, practiceId, async (db, scope) =>
        {
            var store = scope.GetRequiredService<IBlobStore>();
            var session = new ScanSession
            {
                PracticeId = practiceId, PatientId = patient.Id, AlignerNumber = aligner,
                IdempotencyKey = $"demo-seed-{at:yyyyMMddHH}", RequestHash = [], ImageCount = ScanViews.AllViews.Length,
                // Sent "now" while it processes: a session sent long ago and still processing is what the stuck-scan sweep
                // (running in this host's worker) settles as failed. It gets its historic time once processed, below.
                Status = ScanSessionStatus.Processing, CreatedAt = at, SubmittedAt = DateTime.UtcNow,
            };
            db.ScanSessions.Add(session);
            foreach (var (view, v) in ScanViews.AllViews.Select((view, v) => (view, v)))
            {
                var key = RawUpload.KeyFor(practiceId, patient.Id, session.Id, $"demo-{v}");
                await using (var photo = new MemoryStream(SyntheticPhotos.TeethJpeg(1600, 1200, seed: photoSeed + v)))
                    await store.PutAsync(key, photo, "image/jpeg", ct);
                var image = new ScanImage
                {
                    PracticeId = practiceId, SessionId = session.Id, ImageType = view, Status = ScanImageStatus.Uploaded,
                    UploadKey = key, UploadContentType = "image/jpeg", CreatedAt = session.CreatedAt,
                };
                db.ScanImages.Add(image);
                db.RawUploads.Add(new RawUpload { Key = key, ImageId = image.Id, CreatedAt = session.CreatedAt });
            }
            await db.SaveChangesAsync(ct);
            return session.Id;
        });

        await services.GetRequiredService<JobCatalog>().RunNowAsync(services, new ProcessSession.Command(practiceId, sessionId), ct);
        await WithScopeAsync(services, practiceId, (db, _) =>
            db.ScanSessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(u => u.SetProperty(s => s.SubmittedAt, at), ct));
        return sessionId;
    }

    /// <summary>
    /// The demo doctor's earlier review, so the queue can compare with a previous scan and the timeline shows an outcome.
    /// Review <paramref name="i"/> scores differently from its neighbours, so the demo model has every value of a score to learn.
    /// </summary>
    private static Task<int> ReviewAsync(IServiceProvider services, Guid practiceId, Guid sessionId, int i, CancellationToken ct) =>
        WithScopeAsync(services, practiceId, async (db, _) =>
        {
            var session = await db.ScanSessions.SingleAsync(s => s.Id == sessionId, ct);
            if (session.Status != ScanSessionStatus.Ready) return 0;
            var doctor = await db.PracticeMembers.AsNoTracking().Where(m => m.Role == Role.Doctor).OrderBy(m => m.CreatedAt).FirstAsync(ct);
            var language = await db.Patients.Where(p => p.Id == session.PatientId).Select(p => p.PreferredLanguage).SingleAsync(ct);
            var reviewedAt = session.SubmittedAt!.Value.AddHours(5);
            db.TagSets.Add(new TagSet
            {
                PracticeId = practiceId, SessionId = session.Id, TaggedBy = doctor.Id, TaxonomyVersion = Taxonomy.Version,
                ReviewOpenedAt = reviewedAt.AddSeconds(-18), TaggedAt = reviewedAt,
                OverallTracking = (short)(Taxonomy.OverallTracking.Min + i % 3), AlignerFit = i % 4 == 3 ? null : (short)(Taxonomy.AlignerFit.Min + i % 2),
                OralHygiene = (short)(Taxonomy.OralHygiene.Min + (i + 1) % 3),
                ActionTaken = ReviewAction.ApproveProgression, StageAfter = session.AlignerNumber + 1,
            });
            session.Status = ScanSessionStatus.Reviewed;
            session.ReviewedBy = doctor.Id;
            session.ReviewedAt = reviewedAt;
            session.PatientFeedback = PatientFeedback.For(language, ReviewAction.ApproveProgression, session.AlignerNumber + 1, null);
            return await db.SaveChangesAsync(ct);
        });

    /// <summary>A review that moved the scan on without a tag set, which the tagging rate does not count.</summary>
    private static Task<int> QuickActionAsync(IServiceProvider services, Guid practiceId, Guid sessionId, CancellationToken ct) =>
        WithScopeAsync(services, practiceId, async (db, _) =>
        {
            var session = await db.ScanSessions.SingleAsync(s => s.Id == sessionId, ct);
            if (session.Status != ScanSessionStatus.Ready) return 0;
            var doctor = await db.PracticeMembers.AsNoTracking().Where(m => m.Role == Role.Doctor).OrderBy(m => m.CreatedAt).FirstAsync(ct);
            session.Status = ScanSessionStatus.Reviewed;
            session.ReviewedBy = doctor.Id;
            session.ReviewedAt = session.SubmittedAt!.Value.AddHours(5);
            return await db.SaveChangesAsync(ct);
        });

    private static async Task<T> WithScopeAsync<T>(IServiceProvider services, Guid practiceId, Func<AppDbContext, IServiceProvider, Task<T>> work)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TenantScope>().EnterPracticeAsWorkerAsync(practiceId, CancellationToken.None);
        return await work(scope.ServiceProvider.GetRequiredService<AppDbContext>(), scope.ServiceProvider);
    }
}
