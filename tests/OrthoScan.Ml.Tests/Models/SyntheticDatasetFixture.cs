using OrthoScan.Ml.Features;
using OrthoScan.Ml.Models;

namespace OrthoScan.Ml.Tests.Models;

/// <summary>
/// One synthetic dataset on disk and one model trained on it, shared by the tests of a class: training is the slow part,
/// and the tests only read them.
/// </summary>
public sealed class SyntheticDatasetFixture : IDisposable
{
    public const int Sessions = 400;

    public SyntheticDatasetFixture()
    {
        Root = Directory.CreateTempSubdirectory("orthoscan-ml-dataset-").FullName;
        SyntheticDataset.Write(Root, Sessions, seed: 42);
        Dataset = TrainingDataset.Load(Root);
        Featured = Dataset.Featurize(FeatureLayout.For(Dataset.Attributes));
        Bundle = ModelTrainer.Train(Featured, Dataset.Attributes, Dataset.TaxonomyVersion, new TrainingOptions(Seed: 3));
    }

    public string Root { get; }
    public TrainingDataset Dataset { get; }
    public FeaturedSessions Featured { get; }
    public ModelBundle Bundle { get; }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

/// <summary>The classes that read the shared synthetic dataset and model.</summary>
[CollectionDefinition(Name)]
public sealed class SyntheticModelCollection : ICollectionFixture<SyntheticDatasetFixture>
{
    public const string Name = "synthetic model";
}
