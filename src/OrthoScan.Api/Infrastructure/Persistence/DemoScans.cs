using OrthoScan.Api.Features.Scans;
using OrthoScan.Api.Features.Tagging;
using OrthoScan.Api.Infrastructure.Ai;
using OrthoScan.Api.Infrastructure.Imaging;
using OrthoScan.Api.Infrastructure.Jobs;
using OrthoScan.Api.Infrastructure.Storage;

namespace OrthoScan.Api.Infrastructure.Persistence;

/// <summary>
/// Scan sessions for the demo practice so the review feed is not empty: synthetic photos go through the same
/// processing job the worker runs (derivatives, quality, duplicates, through the same pipeline), only inline.
/// </summary>
public static class DemoScans
{
    private const int Sessions = 8;

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
            // Every third patient also has an earlier, reviewed scan, spread through the queue.
            if (i % 3 == 0)
            {
                var earlier = await SeedScanAsync(services, practiceId, patient, now.AddDays(-7).AddHours(i), Math.Max(1, patient.CurrentStage - 1), 2000 + i * 10, i, ct);
                await ReviewAsync(services, practiceId, earlier, ct);
            }
            await SeedScanAsync(services, practiceId, patient, now.AddHours(-30 + i * 3), patient.CurrentStage, 1000 + i * 10, i, ct);
        }
    }

    private static async Task<Guid> SeedScanAsync(
        IServiceProvider services, Guid practiceId, Patient patient, DateTime at, int aligner, int photoSeed, int i, CancellationToken ct)
    {
        var sessionId = await WithScopeAsync(services, practiceId, async (db, scope) =>
        {
            var store = scope.GetRequiredService<IBlobStore>();
            var session = new ScanSession
            {
                PracticeId = practiceId, PatientId = patient.Id, AlignerNumber = aligner,
                IdempotencyKey = $"demo-seed-{at:yyyyMMddHH}", RequestHash = [], ImageCount = ScanViews.AllViews.Length,
                Status = ScanSessionStatus.Processing, CreatedAt = at, SubmittedAt = at,
            };
            db.ScanSessions.Add(session);
            foreach (var (view, v) in ScanViews.AllViews.Select((view, v) => (view, v)))
            {
                var key = $"practices/{practiceId}/patients/{patient.Id}/sessions/{session.Id}/demo-{v}.upload";
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
            db.AiSuggestions.AddRange(DemoSuggestions(practiceId, session.Id, i, session.CreatedAt));
            await db.SaveChangesAsync(ct);
            return session.Id;
        });

        await services.GetRequiredService<JobCatalog>().RunNowAsync(services, new ProcessSession.Command(practiceId, sessionId), ct);
        return sessionId;
    }

    /// <summary>The demo doctor's earlier review, so the queue can compare with a previous scan and the timeline shows an outcome.</summary>
    private static Task<int> ReviewAsync(IServiceProvider services, Guid practiceId, Guid sessionId, CancellationToken ct) =>
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
                OverallTracking = (short)Taxonomy.OverallTracking.Min, AlignerFit = (short)Taxonomy.AlignerFit.Min, OralHygiene = (short)Taxonomy.OralHygiene.Min,
                ActionTaken = ReviewAction.ApproveProgression, StageAfter = session.AlignerNumber + 1,
            });
            session.Status = ScanSessionStatus.Reviewed;
            session.ReviewedBy = doctor.Id;
            session.ReviewedAt = reviewedAt;
            session.PatientFeedback = PatientFeedback.For(language, ReviewAction.ApproveProgression, session.AlignerNumber + 1, null);
            return await db.SaveChangesAsync(ct);
        });

    /// <summary>
    /// What a model might have said about demo scan <paramref name="i"/>, so the review screen shows pre-filled values: mostly
    /// the best value of each score, now and then the next one (a tracking, fit or hygiene concern the doctor may override),
    /// and sometimes a detail tag.
    /// </summary>
    private static IEnumerable<AiSuggestion> DemoSuggestions(Guid practiceId, Guid sessionId, int i, DateTime at)
    {
        AiSuggestion Suggest(string attribute, string value, float confidence) => new()
        {
            PracticeId = practiceId, SessionId = sessionId, ModelName = "demo-baseline", ModelVersion = "2026.11",
            Attribute = attribute, Value = value, Confidence = confidence, CreatedAt = at,
        };
        AiSuggestion Score(Taxonomy.Score score, bool concern, float confidence) => Suggest(score.Attribute, score.Values[concern ? 1 : 0].Value, confidence);
        yield return Score(Taxonomy.OverallTracking, i % 4 == 3, 0.72f + i % 3 * 0.08f);
        yield return Score(Taxonomy.AlignerFit, i % 5 == 4, 0.68f + i % 2 * 0.1f);
        yield return Score(Taxonomy.OralHygiene, i % 3 == 2, 0.61f + i % 4 * 0.07f);
        // With the hygiene concern, plaque: looked up so that the seed fails, rather than suggests an unknown tag, if the taxonomy drops it.
        if (i % 3 == 2) yield return Suggest(AiSuggestions.DetailTag, Taxonomy.CoreDetailTags.Single(t => t.Code == "plaque").Code, 0.58f);
    }

    private static async Task<T> WithScopeAsync<T>(IServiceProvider services, Guid practiceId, Func<AppDbContext, IServiceProvider, Task<T>> work)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TenantScope>().EnterPracticeAsWorkerAsync(practiceId, CancellationToken.None);
        return await work(scope.ServiceProvider.GetRequiredService<AppDbContext>(), scope.ServiceProvider);
    }
}
