using OrthoScan.Ml.Features;
using OrthoScan.Ml.Models;

namespace OrthoScan.Ml.Tests.Features;

/// <summary>A small synthetic dataset, the tiny ONNX model on disk beside it, and a bundle trained with that embedding.</summary>
public sealed class OnnxEmbeddingFixture : IDisposable
{
    public const int Sessions = 120;
    public const int Size = 32;

    public OnnxEmbeddingFixture()
    {
        Root = Directory.CreateTempSubdirectory("orthoscan-ml-onnx-").FullName;
        DatasetRoot = Path.Combine(Root, "dataset");
        SyntheticDataset.Write(DatasetRoot, Sessions, seed: 17);
        ModelPath = Path.Combine(Root, "channel-means.onnx");
        File.WriteAllBytes(ModelPath, TinyOnnx.ChannelMeans(Size));
        Dataset = TrainingDataset.Load(DatasetRoot);
        Embedder = OnnxImageEmbedder.Open(ModelPath);
        Featured = Dataset.Featurize(FeatureLayout.For(Dataset.Attributes, Embedder.Spec), embedder: Embedder);
        Bundle = ModelTrainer.Train(Featured, Dataset.Attributes, Dataset.TaxonomyVersion, new TrainingOptions(Seed: 3, Iterations: 40));
    }

    public string Root { get; }
    public string DatasetRoot { get; }
    public string ModelPath { get; }
    public TrainingDataset Dataset { get; }
    public FeaturedSessions Featured { get; }
    public OnnxImageEmbedder Embedder { get; }
    public ModelBundle Bundle { get; }

    public void Dispose()
    {
        Embedder.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}
