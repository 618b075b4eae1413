using System.Globalization;
using Microsoft.Extensions.Options;
using OrthoScan.Api.Infrastructure.Jobs;
using OrthoScan.Api.Infrastructure.Storage;
using OrthoScan.Ml.Datasets;
using OrthoScan.Ml.Models;

namespace OrthoScan.Api.Infrastructure.Ai;

/// <summary>
/// `train-demo-model` (called by `make run` after the seed): so the demo practice sees real suggestions out of the box,
/// its tagged scans (the practice shares data, its patients consent) are written as a small training dataset into
/// <c>{model folder}/demo-dataset</c>, the ML.NET trainer learns <see cref="AiOptions.ModelPath"/> from it (skipped when the
/// file exists), and every ready demo scan without suggestions or a pending job gets an ai.suggest job. Never in production.
/// </summary>
/// <remarks>
/// The dataset holds only the columns the trainer reads (<see cref="TrainingDataset"/>) in <see cref="DatasetLayout"/>'s
/// order, with random export ids and the EXIF-free display images; it is not the de-identified export (no k-anonymity).
/// </remarks>
public static class DemoModel
{
    public static async Task<int> RunAsync(IServiceProvider services, TextWriter output, CancellationToken ct)
    {
        var options = services.GetRequiredService<IOptions<AiOptions>>().Value;
        var modelPath = Path.GetFullPath(options.ModelPath);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var tenant = scope.ServiceProvider.GetRequiredService<TenantScope>();
        var practiceId = await DemoSeed.DemoPracticeIdAsync(db, tenant);
        await tenant.EnterPracticeAsWorkerAsync(practiceId, ct);

        if (File.Exists(modelPath))
            await output.WriteLineAsync($"Demo model: {modelPath} exists, not trained again.");
        else
        {
            var dataset = Path.Combine(Path.GetDirectoryName(modelPath)!, "demo-dataset");
            var sessions = await WriteDatasetAsync(db, scope.ServiceProvider.GetRequiredService<IBlobStore>(), dataset, ct);
            var bundle = ModelTrainer.Train(TrainingDataset.Load(dataset), new TrainingOptions(Iterations: 50));
            bundle.Save(modelPath);
            await output.WriteLineAsync($"Demo model: trained {bundle.Card.Name} {bundle.Card.Version} on {sessions} tagged scans into {modelPath}.");
        }

        var waiting = await db.ScanSessions.AsNoTracking()
            .Where(s => s.Status == ScanSessionStatus.Ready && !db.AiSuggestions.Any(a => a.SessionId == s.Id))
            .Select(s => s.Id).ToListAsync(ct);
        var queued = await db.Jobs.AsNoTracking()
            .Where(j => j.Kind == AiJobs.SuggestTags && (j.Status == JobStatus.Queued || j.Status == JobStatus.Running))
            .Select(j => j.Payload).ToListAsync(ct);
        var toEnqueue = waiting.Where(id => !queued.Any(p => p.Contains(id.ToString(), StringComparison.Ordinal))).ToList();
        var jobs = scope.ServiceProvider.GetRequiredService<IJobQueue>();
        foreach (var sessionId in toEnqueue) await jobs.EnqueueSuggestTagsAsync(practiceId, sessionId, ct);
        await db.SaveChangesAsync(ct);
        await output.WriteLineAsync($"Demo model: {toEnqueue.Count} ready scan(s) queued for suggestions.");
        return 0;
    }

    /// <summary>The first tag set of each tagged scan of a consenting patient, if the practice shares data; one patient in five is test data.</summary>
    private static async Task<int> WriteDatasetAsync(AppDbContext db, IBlobStore store, string folder, CancellationToken ct)
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        foreach (var split in DatasetLayout.Splits) Directory.CreateDirectory(Path.Combine(folder, DatasetLayout.ImagesFolder, split));
        if (!await db.Practices.AnyAsync(p => p.Settings.ShareDeidentifiedData, ct)) throw new InvalidOperationException("The demo practice does not share data: run `make seed` on a fresh database.");

        var rows = await (from t in db.TagSets.AsNoTracking()
                          join s in db.ScanSessions.AsNoTracking() on t.SessionId equals s.Id
                          join p in db.Patients.AsNoTracking() on s.PatientId equals p.Id
                          where p.ResearchConsent
                          orderby p.Id, s.CreatedAt, t.TaggedAt
                          select new { Tags = t, Session = s, p.TotalStages }).ToListAsync(ct);
        var firsts = rows.GroupBy(r => r.Session.Id).Select(g => g.First()).ToList();
        var patients = firsts.Select(r => r.Session.PatientId).Distinct().ToList();
        var scores = Taxonomy.Scores.Select(s => s.Attribute).ToList();

        await using var csv = new StreamWriter(Path.Combine(folder, DatasetLayout.TagSetsCsv));
        await csv.WriteLineAsync(string.Join(',', ["export_session_id", "split", "review_order", "days_since_last_scan", "stage_fraction", .. scores, "detail_tags", "images"]));
        foreach (var row in firsts)
        {
            var exportId = Guid.NewGuid().ToString("N");
            var split = patients.IndexOf(row.Session.PatientId) % 5 == 4 ? DatasetLayout.Test : DatasetLayout.Train;
            var images = new List<string>();
            foreach (var image in await db.ScanImages.AsNoTracking().Where(i => i.SessionId == row.Session.Id && i.DisplayKey != null).ToListAsync(ct))
            {
                await using var stream = await store.OpenReadAsync(image.DisplayKey!, ct);
                if (stream is null) continue;
                var path = DatasetLayout.ImagePath(split, exportId, SnakeCaseEnumConverter<ImageType>.Text(image.ImageType));
                await using (var file = File.Create(Path.Combine(folder, path))) await stream.CopyToAsync(file, ct);
                images.Add(path);
            }
            var fraction = row.TotalStages > 0 ? ((double)row.Session.AlignerNumber / row.TotalStages).ToString("0.####", CultureInfo.InvariantCulture) : "";
            var labels = new Dictionary<string, string>
            {
                [Taxonomy.OverallTracking.Attribute] = Taxonomy.Score.ValueOf(row.Tags.OverallTracking),
                [Taxonomy.AlignerFit.Attribute] = Taxonomy.Score.ValueOf(row.Tags.AlignerFit),
                [Taxonomy.OralHygiene.Attribute] = Taxonomy.Score.ValueOf(row.Tags.OralHygiene),
            };
            await csv.WriteLineAsync(string.Join(',',
            [
                exportId, split, "1", "", fraction, .. scores.Select(a => labels[a]),
                string.Join(';', row.Tags.DetailTags.Select(d => d.Code)), string.Join(';', images),
            ]));
        }
        return firsts.Count;
    }
}
