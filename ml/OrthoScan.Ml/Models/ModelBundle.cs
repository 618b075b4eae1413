using System.IO.Compression;
using System.Text.Json;
using Microsoft.ML;
using OrthoScan.Ml.Features;

namespace OrthoScan.Ml.Models;

/// <summary>
/// A trained model.zip: card.json (the <see cref="ModelCard"/>, camelCase), features.json (the
/// <see cref="FeatureLayout"/> the models were trained on) and one ML.NET model per score, "{attribute}.zip".
/// </summary>
public sealed class ModelBundle
{
    public const string CardEntry = "card.json";
    public const string FeaturesEntry = "features.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    internal ModelBundle(ModelCard card, FeatureLayout layout, IReadOnlyDictionary<string, ITransformer> models, MLContext context)
    {
        Card = card;
        Layout = layout;
        Models = models;
        Context = context;
    }

    public ModelCard Card { get; }
    public FeatureLayout Layout { get; }

    /// <summary>One model per score attribute; a score with a single value in training has none.</summary>
    public IReadOnlyDictionary<string, ITransformer> Models { get; }

    internal MLContext Context { get; }

    public static ModelBundle Load(string path)
    {
        using var file = File.OpenRead(path);
        return Load(file);
    }

    /// <summary>Reads a model.zip; throws <see cref="InvalidDataException"/> when it is not one.</summary>
    public static ModelBundle Load(Stream stream)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read);
        var card = Read<ModelCard>(zip, CardEntry);
        var layout = Read<FeatureLayout>(zip, FeaturesEntry);
        if (layout.Version != FeatureLayout.CurrentVersion)
            throw new InvalidDataException($"The model uses feature layout {layout.Version}; this build computes layout {FeatureLayout.CurrentVersion}.");
        var context = new MLContext();
        var models = new Dictionary<string, ITransformer>();
        foreach (var entry in zip.Entries.Where(e => e.FullName is not (CardEntry or FeaturesEntry) && e.FullName.EndsWith(".zip", StringComparison.Ordinal)))
        {
            // ML.NET wants a seekable stream; a score model is a few hundred kilobytes.
            using var buffer = new MemoryStream();
            using (var entryStream = entry.Open()) entryStream.CopyTo(buffer);
            buffer.Position = 0;
            models[Path.GetFileNameWithoutExtension(entry.FullName)] = context.Model.Load(buffer, out _);
        }
        if (models.Count == 0) throw new InvalidDataException("The model file holds no score model.");
        return new ModelBundle(card, layout, models, context);
    }

    public void Save(string path)
    {
        using var file = File.Create(path);
        Save(file);
    }

    public void Save(Stream stream)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        Write(zip, CardEntry, Card);
        Write(zip, FeaturesEntry, Layout);
        var schema = Context.Data.LoadFromEnumerable(Array.Empty<ScoreInput>(), ScoreInput.Schema(Layout)).Schema;
        foreach (var (attribute, model) in Models)
        {
            using var buffer = new MemoryStream();
            Context.Model.Save(model, schema, buffer);
            using var entry = zip.CreateEntry(attribute + ".zip", CompressionLevel.NoCompression).Open();
            buffer.Position = 0;
            buffer.CopyTo(entry);
        }
    }

    private static T Read<T>(ZipArchive zip, string name)
    {
        var entry = zip.GetEntry(name) ?? throw new InvalidDataException($"The model file has no {name}.");
        using var stream = entry.Open();
        try
        {
            return JsonSerializer.Deserialize<T>(stream, Json) ?? throw new InvalidDataException($"{name} is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{name} is not valid: {e.Message}", e);
        }
    }

    private static void Write<T>(ZipArchive zip, string name, T value)
    {
        using var stream = zip.CreateEntry(name).Open();
        JsonSerializer.Serialize(stream, value, Json);
    }
}
