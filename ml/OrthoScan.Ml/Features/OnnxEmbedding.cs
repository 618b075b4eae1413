using System.Collections.Concurrent;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using NetVips;

namespace OrthoScan.Ml.Features;

/// <summary>
/// What a feature layout records of a plugged-in ONNX image-embedding model: the graph's input and output names, the
/// square side each photo is resized to, how its pixels are fed (<see cref="PixelFormat"/>) and how many numbers the
/// output adds to each view.
/// </summary>
public sealed record OnnxEmbeddingSpec(string InputName, string OutputName, int Size, int Length, string Pixels = OnnxEmbeddingSpec.PixelFormat)
{
    /// <summary>
    /// The photo squashed to Size x Size (aspect ratio not kept), sRGB, alpha flattened onto black, as a float tensor
    /// [1, 3, Size, Size] (NCHW, channels R, G, B) with values 0..1. A model that wants mean/std normalisation has it as
    /// the first nodes of its graph.
    /// </summary>
    public const string PixelFormat = "rgb_nchw_0_1";

    public const int DefaultSize = 224;
}

/// <summary>
/// Runs an ONNX image-embedding model through ML.NET's OnnxTransformer: one photo in, one float vector out. Prediction
/// engines are not thread-safe, so they are pooled like <c>MlNetSuggester</c>'s.
/// </summary>
public sealed class OnnxImageEmbedder : IDisposable
{
    private readonly MLContext _context = new();
    private readonly ITransformer _transformer;
    private readonly SchemaDefinition _inputSchema;
    private readonly SchemaDefinition _outputSchema;
    private readonly ConcurrentBag<PredictionEngine<PixelInput, EmbeddingOutput>> _pool = [];
    private readonly Lock _creating = new();

    private OnnxImageEmbedder(byte[] model, OnnxEmbeddingSpec spec, ITransformer transformer, SchemaDefinition input, SchemaDefinition output)
    {
        ModelBytes = model;
        Spec = spec;
        _transformer = transformer;
        _inputSchema = input;
        _outputSchema = output;
    }

    /// <summary>The .onnx file as given; model.zip stores it so prediction runs the very same graph.</summary>
    public byte[] ModelBytes { get; }

    public OnnxEmbeddingSpec Spec { get; }

    /// <summary>
    /// Opens a model for training. Input and output default to the graph's only ones, the size to the graph's fixed
    /// square input or <see cref="OnnxEmbeddingSpec.DefaultSize"/>; the embedding length is what a blank photo yields.
    /// Throws <see cref="OnnxEmbeddingException"/> when the file is no such model.
    /// </summary>
    public static OnnxImageEmbedder Open(string path, string? inputName = null, string? outputName = null, int? size = null)
    {
        if (!File.Exists(path)) throw new OnnxEmbeddingException($"The ONNX embedding model '{path}' does not exist.");
        var model = File.ReadAllBytes(path);
        var (input, output, declaredSize) = Describe(model, path, inputName, outputName);
        if (size is not null && declaredSize is not null && size != declaredSize)
            throw new OnnxEmbeddingException($"The ONNX input '{input}' takes [1, 3, {declaredSize}, {declaredSize}]; --onnx-size {size} does not fit it.");
        var side = size ?? declaredSize ?? OnnxEmbeddingSpec.DefaultSize;
        if (side is < 8 or > 1024) throw new OnnxEmbeddingException($"--onnx-size must be between 8 and 1024, not {side}.");
        int length;
        using (var probe = Create(model, new OnnxEmbeddingSpec(input, output, side, Length: 0), path))
        {
            try
            {
                length = probe.Run(new float[3 * side * side]).Length;
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or OnnxRuntimeException)
            {
                throw new OnnxEmbeddingException($"The ONNX model '{path}' fails on a blank [1, 3, {side}, {side}] photo: {FirstLine(e)}", e);
            }
        }
        if (length == 0) throw new OnnxEmbeddingException($"The ONNX model '{path}' answers an empty '{output}'.");
        return Create(model, new OnnxEmbeddingSpec(input, output, side, length), path);
    }

    /// <summary>Opens the model stored in a model.zip with the spec its layout recorded.</summary>
    public static OnnxImageEmbedder Load(byte[] model, OnnxEmbeddingSpec spec)
    {
        if (spec.Pixels != OnnxEmbeddingSpec.PixelFormat)
            throw new InvalidDataException($"The model feeds its ONNX embedding '{spec.Pixels}' pixels; this build feeds {OnnxEmbeddingSpec.PixelFormat}.");
        try
        {
            return Create(model, spec, "in the model file");
        }
        catch (OnnxEmbeddingException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }

    /// <summary>The embedding of a JPEG or PNG; throws <see cref="ImageFeatureException"/> when the bytes are no readable image.</summary>
    public float[] Embed(ReadOnlyMemory<byte> image)
    {
        var vector = Run(Pixels(image, Spec.Size));
        if (Spec.Length > 0 && vector.Length != Spec.Length)
            throw new OnnxEmbeddingException($"The ONNX model answered {vector.Length} numbers where the layout expects {Spec.Length}.");
        return vector;
    }

    /// <summary>The photo as <see cref="OnnxEmbeddingSpec.PixelFormat"/> describes.</summary>
    public static float[] Pixels(ReadOnlyMemory<byte> image, int size)
    {
        try
        {
            using var thumbnail = Image.ThumbnailBuffer(image.ToArray(), size, height: size, size: Enums.Size.Force);
            using var flat = thumbnail.HasAlpha() ? thumbnail.Flatten() : thumbnail.Copy();
            using var rgb = flat.Colourspace(Enums.Interpretation.Srgb);
            using var bytes = rgb.Cast(Enums.BandFormat.Uchar);
            var pixels = bytes.WriteToMemory<byte>();
            var plane = size * size;
            var tensor = new float[3 * plane];
            for (var i = 0; i < plane; i++)
                for (var c = 0; c < 3; c++)
                    tensor[c * plane + i] = pixels[3 * i + c] / 255f;
            return tensor;
        }
        catch (VipsException e)
        {
            throw new ImageFeatureException("The image could not be read: " + e.Message.Split('\n')[0], e);
        }
    }

    public void Dispose() => (_transformer as IDisposable)?.Dispose();

    private float[] Run(float[] pixels)
    {
        if (!_pool.TryTake(out var engine))
            lock (_creating)
                engine = _context.Model.CreatePredictionEngine<PixelInput, EmbeddingOutput>(_transformer, true, _inputSchema, _outputSchema);
        try
        {
            return engine.Predict(new PixelInput { Pixels = pixels }).Embedding.DenseValues().ToArray();
        }
        finally
        {
            _pool.Add(engine);
        }
    }

    private static OnnxImageEmbedder Create(byte[] model, OnnxEmbeddingSpec spec, string where)
    {
        // OnnxTransformer binds ML.NET columns to graph nodes by name, so the columns carry the graph's names.
        var input = SchemaDefinition.Create(typeof(PixelInput));
        var pixels = input[nameof(PixelInput.Pixels)];
        pixels.ColumnType = new VectorDataViewType(NumberDataViewType.Single, 3 * spec.Size * spec.Size);
        pixels.ColumnName = spec.InputName;
        var output = SchemaDefinition.Create(typeof(EmbeddingOutput));
        output[nameof(EmbeddingOutput.Embedding)].ColumnName = spec.OutputName;
        var context = new MLContext();
        try
        {
            var empty = context.Data.LoadFromEnumerable(Array.Empty<PixelInput>(), input);
            using var stream = new MemoryStream(model, writable: false);
            var transformer = context.Transforms.ApplyOnnxModel(spec.OutputName, spec.InputName, stream,
                new Dictionary<string, int[]> { [spec.InputName] = [1, 3, spec.Size, spec.Size] }).Fit(empty);
            return new OnnxImageEmbedder(model, spec, transformer, input, output);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or OnnxRuntimeException or FormatException)
        {
            throw new OnnxEmbeddingException($"The ONNX model {where} cannot embed a [1, 3, {spec.Size}, {spec.Size}] '{spec.InputName}' into '{spec.OutputName}': {FirstLine(e)}", e);
        }
    }

    /// <summary>
    /// The graph's input and output names and its fixed square input side, if any. OnnxTransformer does not list a
    /// graph's nodes before it is bound to named columns, so this asks ONNX Runtime's session metadata.
    /// </summary>
    private static (string Input, string Output, int? Size) Describe(byte[] model, string path, string? inputName, string? outputName)
    {
        InferenceSession session;
        try
        {
            session = new InferenceSession(model);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxEmbeddingException($"'{path}' is not an ONNX model this runtime can load: {FirstLine(e)}", e);
        }
        using (session)
        {
            var input = Pick(session.InputMetadata.Keys, inputName, "input", path);
            var output = Pick(session.OutputMetadata.Keys, outputName, "output", path);
            var dimensions = session.InputMetadata[input].Dimensions;
            if (dimensions.Length != 4 || dimensions[1] is not (3 or -1))
                throw new OnnxEmbeddingException(
                    $"The ONNX input '{input}' has the shape [{string.Join(", ", dimensions)}]; an image embedding takes [1, 3, height, width].");
            int? size = dimensions[2] > 0 && dimensions[2] == dimensions[3] ? dimensions[2] : null;
            return (input, output, size);
        }
    }

    private static string Pick(IEnumerable<string> names, string? wanted, string what, string path)
    {
        var all = names.ToArray();
        if (wanted is not null)
            return all.Contains(wanted) ? wanted
                : throw new OnnxEmbeddingException($"The ONNX model '{path}' has no {what} '{wanted}'; its {what}s are: {string.Join(", ", all)}.");
        return all.Length == 1 ? all[0]
            : throw new OnnxEmbeddingException($"The ONNX model '{path}' has {all.Length} {what}s ({string.Join(", ", all)}): name one with --onnx-{what}.");
    }

    private static string FirstLine(Exception e) => e.Message.Split('\n')[0];
}

internal sealed class PixelInput
{
    public float[] Pixels { get; set; } = [];
}

internal sealed class EmbeddingOutput
{
    public VBuffer<float> Embedding { get; set; }
}

/// <summary>An ONNX embedding model that cannot be used as asked: the CLI answers exit code 2 with the message.</summary>
public sealed class OnnxEmbeddingException(string message, Exception? inner = null) : Exception(message, inner);
