using System.IO.Compression;
using System.Text.Json;
using Microsoft.ML;
using OrthoScan.Ml.Features;

namespace OrthoScan.Ml.Models;

/// <summary>
/// A trained model.zip: card.json (the <see cref="ModelCard"/>, camelCase), features.json (the
/// <see cref="FeatureLayout"/> the models were trained on), one ML.NET model per score, "{attribute}.zip", and, when the
/// layout has an ONNX image embedding, that model as embedding.onnx.
/// </summary>
public sealed class ModelBundle
{
    public const string CardEntry = "card.json";
    public const string FeaturesEntry = "features.json";
    public const string EmbeddingEntry = "embedding.onnx";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    internal ModelBundle(ModelCard card, FeatureLayout layout, IReadOnlyDictionary<string, ITransformer> models, MLContext context, OnnxImageEmbedder? embedder = null)
    {
        if ((layout.Embedding is null) != (embedder is null))
            throw new ArgumentException("A layout with an ONNX embedding needs its embedding model, and only then.", nameof(embedder));
        Embedder = embedder;
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

    /// <summary>The ONNX image-embedding model the layout's features need, when it has one.</summary>
    public OnnxImageEmbedder? Embedder { get; }

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
        if (!FeatureLayout.Supports(layout.Version) || (layout.Version == FeatureLayout.EmbeddingVersion) != (layout.Embedding is not null))
            throw new InvalidDataException($"The model uses feature layout {layout.Version}; this build computes layouts {FeatureLayout.CurrentVersion} and {FeatureLayout.EmbeddingVersion}.");
        var embedder = layout.Embedding is { } spec ? OnnxImageEmbedder.Load(ReadBytes(zip, EmbeddingEntry), spec) : null;
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
        return new ModelBundle(card, layout, models, context, embedder);
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
        if (Embedder is not null)
        {
            using var entry = zip.CreateEntry(EmbeddingEntry, CompressionLevel.Optimal).Open();
            entry.Write(Embedder.ModelBytes);
        }
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

    private static byte[] ReadBytes(ZipArchive zip, string name)
    {
        var entry = zip.GetEntry(name) ?? throw new InvalidDataException($"The model's layout has an ONNX embedding but the file has no {name}.");
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static void Write<T>(ZipArchive zip, string name, T value)
    {
        using var stream = zip.CreateEntry(name).Open();
        JsonSerializer.Serialize(stream, value, Json);
    }
}
