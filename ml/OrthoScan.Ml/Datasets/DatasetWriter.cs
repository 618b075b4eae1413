namespace OrthoScan.Ml.Datasets;

/// <summary>
/// Writes a de-identified dataset (see <see cref="DatasetLayout"/>) from tag set rows ordered by patient. Memory stays
/// flat whatever the row count: only the current patient's rows are held, one image at a time, and the files that grow
/// together (tag sets, Label Studio tasks, the manifest's patient and file lists) are spooled to local temporary files
/// and handed to the sink at the end. Export ids are drawn at random per patient, session and practice and forgotten
/// when the write ends. The caller owns the sink and disposes it afterwards.
/// </summary>
public static class DatasetWriter
{
    /// <param name="plan">K-anonymity over the counts of the same eligible patients; its K must be the options' K.</param>
    /// <param name="tagSetsTotal">The row count taken before the write, for progress only.</param>
    /// <param name="spoolDirectory">Where temporary files go (the system's temporary folder when null); removed afterwards.</param>
    public static async Task<DatasetReport> WriteAsync(
        MlTaxonomy taxonomy,
        KAnonymityPlan plan,
        IAsyncEnumerable<TagSetRow> rows,
        IDatasetImageSource? images,
        IDatasetSink sink,
        DatasetOptions options,
        IProgress<DatasetProgress>? progress = null,
        long tagSetsTotal = 0,
        string? spoolDirectory = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(taxonomy);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.K, KAnonymity.MinimumK);
        if (plan.K != options.K) throw new ArgumentException($"The plan was made for k = {plan.K}, the options ask for k = {options.K}.", nameof(plan));

        var spool = Path.Combine(spoolDirectory ?? Path.GetTempPath(), "orthoscan-dataset-" + Path.GetRandomFileName());
        Directory.CreateDirectory(spool);
        try
        {
            var write = new DatasetWrite(taxonomy, plan, images, sink, options, progress, tagSetsTotal, spool);
            await using (write)
            {
                return await write.RunAsync(rows, ct);
            }
        }
        finally
        {
            Directory.Delete(spool, recursive: true);
        }
    }
}
