using System.Reflection;
using System.Runtime.CompilerServices;
using Npgsql;
using OrthoScan.Api.Infrastructure.Storage;
using OrthoScan.Ml;
using OrthoScan.Ml.Datasets;

namespace OrthoScan.Api.Features.Exports;

/// <summary>
/// Writes the de-identified dataset of every eligible tag set into a stream, as one ZIP, through the ML module's
/// <see cref="DatasetWriter"/>: the quasi-identifier counts and the rows come from the platform read path
/// (<see cref="PlatformReadSql.ExportQuasiIdentifiers"/>, <see cref="PlatformReadSql.ExportTagSets"/>), the rows streamed
/// from one reader without a statement timeout (never call this from a request), the images from the blob store's
/// EXIF-free display derivatives. The original ids stay in this process's memory; the writer replaces them. Shared by the
/// <c>tags.export</c> job and the <c>export-tags</c> command (the benchmark's harness).
/// </summary>
public sealed class TagDataset(IServiceScopeFactory scopes, IBlobStore store)
{
    public static readonly string GeneratorVersion =
        "orthoscan-api " + (typeof(TagDataset).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "dev");

    /// <summary>The served taxonomy as the ML module takes it; only core detail tags (a practice's own codes could name it).</summary>
    public static readonly MlTaxonomy MlTaxonomy = new(
        Taxonomy.Version,
        [.. Taxonomy.Scores.Select(s => new MlScore(s.Attribute, [.. s.Values.Select(v => v.Value)]))],
        [.. Taxonomy.CoreDetailTags.Select(t => t.Code)]);

    /// <summary>
    /// The eligible tag sets, counted (the total and the k-anonymity plan over the patients' quasi-identifiers), with their
    /// rows already being read: the rows query starts on a connection of its own before the counting, because PostgreSQL
    /// materialises both functions' results before the first row leaves, and side by side it computes them at once.
    /// Dispose the answer if it is never written.
    /// </summary>
    public async Task<PlannedDataset> PlanAsync(int k, CancellationToken ct)
    {
        var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var rows = RowsAsync(failed.Token).GetAsyncEnumerator(failed.Token);
        var firstRow = rows.MoveNextAsync().AsTask();
        try
        {
            var (tagSets, plan) = await CountAsync(k, ct);
            return new PlannedDataset(tagSets, plan, rows, await firstRow, failed);
        }
        catch
        {
            await PlannedDataset.CancelAsync(rows, firstRow, failed);
            throw;
        }
    }

    private async Task<(long TagSets, KAnonymityPlan Plan)> CountAsync(int k, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var counts = await db.Database.SqlQueryRaw<CountRow>(
                $"SELECT age_band, treatment_type, aligner_brand, practice_region, patients, tag_sets FROM {PlatformReadSql.ExportQuasiIdentifiers}()")
            .ToListAsync(ct);
        var plan = KAnonymity.Plan(counts.Select(c => new QuasiIdentifierCount(new QuasiIdentifiers(c.AgeBand, c.TreatmentType, c.AlignerBrand, c.PracticeRegion), (int)c.Patients)), k);
        return (counts.Sum(c => c.TagSets), plan);
    }

    /// <param name="afterRows">
    /// Called with the rows read so far every <paramref name="rowsPerCallback"/> rows (and at the end), between rows: progress goes there.
    /// </param>
    public async Task<DatasetReport> WriteAsync(
        Stream zip, DatasetOptions options, PlannedDataset planned, IProgress<DatasetProgress>? progress,
        Func<long, CancellationToken, Task>? afterRows, int rowsPerCallback, CancellationToken ct)
    {
        var images = new ImageSource(scopes, store, options.IncludeFrontal);
        await using var sink = new ZipDatasetSink(zip, leaveOpen: true);
        return await DatasetWriter.WriteAsync(MlTaxonomy, planned.Plan, Remembered(planned.Rows(), images, afterRows, rowsPerCallback, ct),
            options.IncludeImages ? images : null, sink, options, progress, planned.TagSets, null, ct);
    }

    private static async IAsyncEnumerable<TagSetRow> Remembered(IAsyncEnumerable<TagSetRow> rows, ImageSource images,
        Func<long, CancellationToken, Task>? afterRows, int rowsPerCallback, [EnumeratorCancellation] CancellationToken ct)
    {
        var read = 0L;
        await foreach (var row in rows.WithCancellation(ct))
        {
            images.Remember(row.PatientId, row.SessionId, row.PracticeId);
            yield return row;
            if (afterRows is not null && ++read % rowsPerCallback == 0) await afterRows(read, ct);
        }
        if (afterRows is not null) await afterRows(read, ct);
    }

    private async IAsyncEnumerable<TagSetRow> RowsAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await db.Database.OpenConnectionAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        // One snapshot for the whole read, and no statement timeout for it: it runs as long as the export does.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await using (var noTimeout = new NpgsqlCommand("SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = 0", connection, transaction))
            await noTimeout.ExecuteNonQueryAsync(ct);
        await using var command = new NpgsqlCommand($"SELECT * FROM {PlatformReadSql.ExportTagSets}()", connection, transaction) { CommandTimeout = 0 };
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        while (await reader.ReadAsync(ct)) yield return ReadRow(reader);
    }

    /// <summary>One row of <see cref="PlatformReadSql.ExportTagSets"/>, read column by column in order (sequential access).</summary>
    private static TagSetRow ReadRow(NpgsqlDataReader r)
    {
        var patientId = r.GetGuid(0);
        var practiceId = r.GetGuid(1);
        var sessionId = r.GetGuid(2);
        var patient = new QuasiIdentifiers(r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6));
        var daysSinceStart = r.GetInt32(7);
        int? daysSinceLast = r.IsDBNull(8) ? null : r.GetInt32(8);
        int? stage = r.IsDBNull(9) ? null : r.GetInt32(9);
        int? totalStages = r.IsDBNull(10) ? null : r.GetInt32(10);
        var reviewOrder = r.GetInt32(11);
        var inSession = r.GetInt32(12);
        var scores = Scores(r.GetString(13), r.GetString(14), r.GetString(15))!;
        var detailTags = r.GetFieldValue<string[]>(16);
        var action = r.GetString(17);
        var previous = Scores(NullableString(r, 18), NullableString(r, 19), NullableString(r, 20));
        var attributes = r.GetFieldValue<string[]>(21);
        var values = r.GetFieldValue<string[]>(22);
        var confidences = r.GetFieldValue<float[]>(23);
        var models = r.GetFieldValue<string[]>(24);
        var taxonomyVersion = r.GetString(25);
        var predictions = attributes.Select((attribute, i) => new AiPrediction(attribute, values[i], confidences[i], models[i])).ToList();
        return new TagSetRow(patientId, practiceId, sessionId, patient, daysSinceStart, daysSinceLast, stage, totalStages, reviewOrder, inSession,
            scores, detailTags, action, previous, predictions, taxonomyVersion);
    }

    private static string? NullableString(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static Dictionary<string, string>? Scores(string? tracking, string? fit, string? hygiene) =>
        tracking is null || fit is null || hygiene is null
            ? null
            : new()
            {
                [Taxonomy.OverallTracking.Attribute] = tracking, [Taxonomy.AlignerFit.Attribute] = fit, [Taxonomy.OralHygiene.Attribute] = hygiene,
            };

    /// <summary>A row of <see cref="PlatformReadSql.ExportQuasiIdentifiers"/>, by the model's snake_case names.</summary>
    private sealed record CountRow(string AgeBand, string TreatmentType, string AlignerBrand, string PracticeRegion, long Patients, long TagSets);

    /// <summary>
    /// A session's EXIF-free display derivatives, read inside its practice (as the worker, under row-level security) and from
    /// the blob store. It knows a session's practice from the rows read so far, and keeps only the current and the previous
    /// patient's sessions: the writer asks for a patient's images once it has read that patient's rows.
    /// </summary>
    private sealed class ImageSource(IServiceScopeFactory scopes, IBlobStore store, bool includeFrontal) : IDatasetImageSource
    {
        private Guid _patient;
        private Dictionary<Guid, Guid> _current = [];
        private Dictionary<Guid, Guid> _previous = [];

        public void Remember(Guid patientId, Guid sessionId, Guid practiceId)
        {
            if (patientId != _patient)
            {
                (_previous, _current) = (_current, _previous);
                _current.Clear();
                _patient = patientId;
            }
            _current[sessionId] = practiceId;
        }

        public async IAsyncEnumerable<DatasetImage> ImagesAsync(Guid sessionId, [EnumeratorCancellation] CancellationToken ct)
        {
            if (!_current.TryGetValue(sessionId, out var practiceId) && !_previous.TryGetValue(sessionId, out practiceId)) yield break;
            List<(ImageType View, string Key)> derivatives;
            await using (var scope = scopes.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetRequiredService<TenantScope>().EnterPracticeAsWorkerAsync(practiceId, ct);
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                var rows = await db.ScanImages.AsNoTracking()
                    .Where(i => i.SessionId == sessionId && i.Status == ScanImageStatus.Processed && i.DisplayKey != null)
                    .Where(i => includeFrontal || i.ImageType != ImageType.Frontal)
                    .OrderBy(i => i.ImageType)
                    .Select(i => new { i.ImageType, i.DisplayKey })
                    .ToListAsync(ct);
                derivatives = [.. rows.Select(i => (i.ImageType, i.DisplayKey!))];
            }
            foreach (var (view, key) in derivatives)
            {
                await using var blob = await store.OpenReadAsync(key, ct);
                if (blob is null) continue;
                using var bytes = new MemoryStream();
                await blob.CopyToAsync(bytes, ct);
                yield return new DatasetImage(SnakeCaseEnumConverter<ImageType>.Text(view), bytes.ToArray());
            }
        }
    }
}

/// <summary>
/// <see cref="TagDataset.PlanAsync"/>'s answer: the counted total, the k-anonymity plan, and the rows, whose first one is
/// read already. The rows can be enumerated once.
/// </summary>
public sealed class PlannedDataset(
    long tagSets, KAnonymityPlan plan, IAsyncEnumerator<TagSetRow> rows, bool hasFirstRow, CancellationTokenSource rowsCancellation) : IAsyncDisposable
{
    private bool _taken;

    public long TagSets { get; } = tagSets;
    public KAnonymityPlan Plan { get; } = plan;

    public async IAsyncEnumerable<TagSetRow> Rows()
    {
        if (_taken) throw new InvalidOperationException("The rows of a planned dataset are read once.");
        _taken = true;
        if (!hasFirstRow) yield break;
        do yield return rows.Current;
        while (await rows.MoveNextAsync());
    }

    public ValueTask DisposeAsync() => CancelAsync(rows, Task.CompletedTask, rowsCancellation);

    /// <summary>Rows left unread are cancelled on the server, not drained: nobody reads them.</summary>
    internal static async ValueTask CancelAsync(IAsyncEnumerator<TagSetRow> rows, Task pendingRead, CancellationTokenSource cancellation)
    {
        await cancellation.CancelAsync();
        try
        {
            await Quietly(pendingRead);
            await Quietly(rows.DisposeAsync().AsTask());
        }
        finally
        {
            cancellation.Dispose();
        }

        static async Task Quietly(Task cancelled)
        {
            try
            {
                await cancelled;
            }
            catch (Exception e) when (e is OperationCanceledException or NpgsqlException)
            {
            }
        }
    }
}
