namespace OrthoScan.Ml.Datasets;

/// <summary>The state of one <see cref="DatasetWriter.WriteAsync"/> call: patient by patient, then the closing files.</summary>
internal sealed class DatasetWrite(
    MlTaxonomy taxonomy,
    KAnonymityPlan plan,
    IDatasetImageSource? imageSource,
    IDatasetSink sink,
    DatasetOptions options,
    IProgress<DatasetProgress>? progress,
    long tagSetsTotal,
    string spool) : IAsyncDisposable
{
    private const string FrontalView = "frontal";
    private const long TagSetsPerProgress = 500;

    private readonly PatientSplit split = new(options.Seed, options.TrainFraction, options.ValidationFraction);
    private readonly Dictionary<Guid, string> practices = [];
    private readonly TagSetFiles tagSets = new(spool, DatasetColumns.For(taxonomy));
    private readonly LabelStudioFile labelStudio = new(spool, taxonomy);
    private readonly LineSpool patientSplits = new(spool);
    private readonly LineSpool files = new(spool);
    private readonly DatasetTally tally = new(taxonomy);
    private long reportedTagSets;
    private long reportedImages;

    public async Task<DatasetReport> RunAsync(IAsyncEnumerable<TagSetRow> rows, CancellationToken ct)
    {
        var patient = new List<TagSetRow>();
        await foreach (var row in rows.WithCancellation(ct))
        {
            if (patient.Count > 0 && patient[0].PatientId != row.PatientId)
            {
                await WritePatientAsync(patient, ct);
                patient.Clear();
            }

            patient.Add(row);
        }

        if (patient.Count > 0) await WritePatientAsync(patient, ct);

        foreach (var file in await tagSets.AddToAsync(sink, ct)) Record(file);
        Record(await labelStudio.AddToAsync(sink, ct));
        await AddAsync(DatasetLayout.DataCard, DataCard.Render(taxonomy, options, tally), ct);
        await ManifestFile.WriteAsync(sink, spool, taxonomy, options, tally, patientSplits, files, ct);
        progress?.Report(new DatasetProgress(tally.TagSets, tagSetsTotal, tally.Images));
        return tally.Report(options.K, options.IncludeImages && options.IncludeFrontal);
    }

    public async ValueTask DisposeAsync()
    {
        await tagSets.DisposeAsync();
        await labelStudio.DisposeAsync();
        patientSplits.Dispose();
        files.Dispose();
    }

    private async Task WritePatientAsync(List<TagSetRow> rows, CancellationToken ct)
    {
        // A patient's quasi-identifiers do not change between their sessions; the first row speaks for all.
        if (plan.Map(rows[0].Patient) is not { } identifiers)
        {
            tally.SuppressedPatients++;
            tally.SuppressedTagSets += rows.Count;
            return;
        }

        if (identifiers != rows[0].Patient) tally.GeneralisedPatients++;
        var patientId = ExportIds.Patient();
        var patientSplit = split.Of(rows[0].PatientId);
        var practiceId = PracticeId(rows[0].PracticeId);
        patientSplits.Add(patientId, patientSplit);
        tally.Patients++;
        tally.PatientsPerSplit[patientSplit]++;

        foreach (var sessionRows in rows.GroupBy(r => r.SessionId).Select(g => g.ToList()))
        {
            var sessionId = ExportIds.Session();
            var images = await WriteImagesAsync(sessionRows[0].SessionId, patientSplit, sessionId, ct);
            var session = new ExportedSession(
                patientId, sessionId, practiceId, patientSplit, identifiers, Agreement.Of(taxonomy, sessionRows), images);
            foreach (var row in sessionRows)
            {
                tagSets.Write(TagSetRecord.Build(taxonomy, row, session));
                tally.CountLabels(row);
                tally.TagSets++;
            }

            labelStudio.Write(session, sessionRows);
            tally.Sessions++;
        }

        ReportProgress();
    }

    private async Task<IReadOnlyList<string>> WriteImagesAsync(Guid originalSessionId, string patientSplit, string sessionId, CancellationToken ct)
    {
        if (!options.IncludeImages || imageSource is null) return [];
        var paths = new List<string>();
        await foreach (var image in imageSource.ImagesAsync(originalSessionId, ct))
        {
            if (image.View == FrontalView && !options.IncludeFrontal) continue;
            if (!IsViewName(image.View)) throw new InvalidOperationException($"'{image.View}' is not a view name.");
            var path = DatasetLayout.ImagePath(patientSplit, sessionId, image.View);
            if (paths.Contains(path)) continue;
            await AddAsync(path, DatasetImageEncoder.Reencode(image.Bytes), ct);
            paths.Add(path);
            tally.Images++;
        }

        return paths;
    }

    private async Task AddAsync(string path, byte[] content, CancellationToken ct)
    {
        await sink.AddAsync(path, content, ct);
        Record(new DatasetFile(path, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)), content.Length));
    }

    private void Record(DatasetFile file) =>
        files.Add(file.Path, file.Sha256, file.Size.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private string PracticeId(Guid practice)
    {
        if (!practices.TryGetValue(practice, out var id)) practices[practice] = id = ExportIds.Practice();
        return id;
    }

    private void ReportProgress()
    {
        if (progress is null || (tally.TagSets - reportedTagSets < TagSetsPerProgress && tally.Images == reportedImages)) return;
        reportedTagSets = tally.TagSets;
        reportedImages = tally.Images;
        progress.Report(new DatasetProgress(tally.TagSets, tagSetsTotal, tally.Images));
    }

    private static bool IsViewName(string view) => view.Length is > 0 and <= 32 && view.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_');
}
