using System.Text.Json;

namespace OrthoScan.Ml.Datasets;

/// <summary>
/// label-studio.json: a Label Studio import, one task per session, streamed as a JSON array. data.image is the first
/// image's path relative to the dataset root (data.images all of them; serve the folder as local storage), data also
/// names the export session; each tag set is an annotation of "choices" results (one per score, from_name = the
/// attribute, plus detail_tags), and the AI suggestions the reviewer saw are predictions, one per model, with
/// model_version and the mean confidence as score.
/// </summary>
internal sealed class LabelStudioFile : IAsyncDisposable
{
    private const string ImageControl = "image";

    private readonly MlTaxonomy taxonomy;
    private readonly SpoolFile file;
    private readonly Utf8JsonWriter json;

    public LabelStudioFile(string spoolDirectory, MlTaxonomy taxonomy)
    {
        this.taxonomy = taxonomy;
        file = new SpoolFile(spoolDirectory, DatasetLayout.LabelStudio);
        json = new Utf8JsonWriter(file);
        json.WriteStartArray();
    }

    public void Write(ExportedSession session, IReadOnlyList<TagSetRow> tagSets)
    {
        json.WriteStartObject();
        json.WriteStartObject("data");
        if (session.Images.Count > 0) json.WriteString("image", session.Images[0]);
        json.WriteStartArray("images");
        foreach (var image in session.Images) json.WriteStringValue(image);
        json.WriteEndArray();
        json.WriteString("export_session_id", session.SessionId);
        json.WriteString("split", session.Split);
        json.WriteEndObject();

        json.WriteStartArray("annotations");
        foreach (var tagSet in tagSets) WriteAnnotation(tagSet);
        json.WriteEndArray();

        json.WriteStartArray("predictions");
        var predictions = tagSets[0].Predictions.Where(p => taxonomy.Accepts(p.Attribute, p.Value));
        foreach (var model in predictions.GroupBy(p => p.Model, StringComparer.Ordinal)) WritePrediction(model.Key, [.. model]);
        json.WriteEndArray();
        json.WriteEndObject();
        if (json.BytesPending > 64 * 1024) json.Flush();
    }

    public async Task<DatasetFile> AddToAsync(IDatasetSink sink, CancellationToken ct)
    {
        json.WriteEndArray();
        await json.FlushAsync(ct);
        return await file.AddToAsync(sink, ct);
    }

    public async ValueTask DisposeAsync()
    {
        await json.DisposeAsync();
        await file.DisposeAsync();
    }

    private void WriteAnnotation(TagSetRow tagSet)
    {
        json.WriteStartObject();
        json.WriteStartArray("result");
        foreach (var score in taxonomy.Scores)
        {
            if (tagSet.Scores.GetValueOrDefault(score.Attribute) is { } value && taxonomy.Accepts(score.Attribute, value))
            {
                WriteChoices(score.Attribute, [value], confidence: null);
            }
        }

        var detailTags = tagSet.DetailTags.Where(t => taxonomy.DetailTagCodes.Contains(t.Split('@')[0])).ToList();
        if (detailTags.Count > 0) WriteChoices(DatasetColumns.DetailTags, detailTags, confidence: null);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private void WritePrediction(string model, IReadOnlyList<AiPrediction> predictions)
    {
        json.WriteStartObject();
        json.WriteString("model_version", model);
        json.WriteNumber("score", Math.Round(predictions.Average(p => p.Confidence), 4));
        json.WriteStartArray("result");
        foreach (var prediction in predictions) WriteChoices(prediction.Attribute, [prediction.Value], prediction.Confidence);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private void WriteChoices(string attribute, IReadOnlyList<string> choices, float? confidence)
    {
        json.WriteStartObject();
        json.WriteString("from_name", attribute);
        json.WriteString("to_name", ImageControl);
        json.WriteString("type", "choices");
        json.WriteStartObject("value");
        json.WriteStartArray("choices");
        foreach (var choice in choices) json.WriteStringValue(choice);
        json.WriteEndArray();
        json.WriteEndObject();
        if (confidence is { } c) json.WriteNumber("score", Math.Round(c, 4));
        json.WriteEndObject();
    }
}
