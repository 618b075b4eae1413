using System.Text.Json;

namespace OrthoScan.Ml.Datasets;

/// <summary>
/// manifest.json, written last: versions, K and the seed, counts, what de-identification did, the label distribution
/// per score, the split of every export patient id and the SHA-256 and size of every other file. Streamed from the
/// spooled patient and file lists, so its size does not cost memory.
/// </summary>
internal static class ManifestFile
{
    public static async Task WriteAsync(
        IDatasetSink sink, string spoolDirectory, MlTaxonomy taxonomy, DatasetOptions options, DatasetTally tally,
        LineSpool patientSplits, LineSpool files, CancellationToken ct)
    {
        var spool = new SpoolFile(spoolDirectory, DatasetLayout.Manifest);
        await using (spool)
        {
            await using var json = new Utf8JsonWriter(spool, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteString("schemaVersion", DatasetLayout.SchemaVersion);
            json.WriteString("taxonomyVersion", taxonomy.Version);
            json.WriteString("generatorVersion", options.GeneratorVersion);
            json.WriteNumber("k", options.K);
            json.WriteNumber("seed", options.Seed);
            WriteCounts(json, tally);
            WriteDeIdentification(json, options, tally);
            WriteLabelDistribution(json, tally);
            json.WriteStartArray("columns");
            foreach (var column in DatasetColumns.For(taxonomy)) json.WriteStringValue(column);
            json.WriteEndArray();

            json.WriteStartObject("patientSplits");
            foreach (var line in patientSplits.Read())
            {
                json.WriteString(line[0], line[1]);
                await FlushWhenFull(json, ct);
            }

            json.WriteEndObject();
            json.WriteStartArray("files");
            foreach (var line in files.Read())
            {
                json.WriteStartObject();
                json.WriteString("path", line[0]);
                json.WriteString("sha256", line[1]);
                json.WriteNumber("size", long.Parse(line[2], System.Globalization.CultureInfo.InvariantCulture));
                json.WriteEndObject();
                await FlushWhenFull(json, ct);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            await json.FlushAsync(ct);
            await spool.AddToAsync(sink, ct);
        }
    }

    private static void WriteCounts(Utf8JsonWriter json, DatasetTally tally)
    {
        json.WriteStartObject("counts");
        json.WriteNumber("patients", tally.Patients);
        json.WriteNumber("sessions", tally.Sessions);
        json.WriteNumber("tagSets", tally.TagSets);
        json.WriteNumber("images", tally.Images);
        json.WriteStartObject("patientsPerSplit");
        foreach (var (split, patients) in tally.PatientsPerSplit) json.WriteNumber(split, patients);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteDeIdentification(Utf8JsonWriter json, DatasetOptions options, DatasetTally tally)
    {
        json.WriteStartObject("deIdentification");
        json.WriteNumber("k", options.K);
        json.WriteNumber("generalisedPatients", tally.GeneralisedPatients);
        json.WriteNumber("suppressedPatients", tally.SuppressedPatients);
        json.WriteNumber("suppressedTagSets", tally.SuppressedTagSets);
        json.WriteBoolean("frontalIncluded", options.IncludeImages && options.IncludeFrontal);
        json.WriteBoolean("imagesIncluded", options.IncludeImages);
        json.WriteEndObject();
    }

    private static void WriteLabelDistribution(Utf8JsonWriter json, DatasetTally tally)
    {
        json.WriteStartObject("labelDistribution");
        foreach (var (attribute, values) in tally.Labels)
        {
            json.WriteStartObject(attribute);
            foreach (var (value, count) in values) json.WriteNumber(value, count);
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static async Task FlushWhenFull(Utf8JsonWriter json, CancellationToken ct)
    {
        if (json.BytesPending > 64 * 1024) await json.FlushAsync(ct);
    }
}
