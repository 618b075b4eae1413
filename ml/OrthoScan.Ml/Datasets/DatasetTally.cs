namespace OrthoScan.Ml.Datasets;

/// <summary>What a dataset holds, counted while it is written: bounded by the taxonomy and the splits, never by rows.</summary>
internal sealed class DatasetTally(MlTaxonomy taxonomy)
{
    public const string NotScored = "not_scored";

    public int Patients { get; set; }
    public int Sessions { get; set; }
    public long TagSets { get; set; }
    public long Images { get; set; }
    public int GeneralisedPatients { get; set; }
    public int SuppressedPatients { get; set; }
    public long SuppressedTagSets { get; set; }

    public Dictionary<string, int> PatientsPerSplit { get; } = DatasetLayout.Splits.ToDictionary(s => s, _ => 0);

    /// <summary>Per score, tag sets per value in taxonomy order, then those that left it unscored.</summary>
    public Dictionary<string, Dictionary<string, long>> Labels { get; } = taxonomy.Scores.ToDictionary(
        s => s.Attribute, s => s.Values.Append(NotScored).ToDictionary(v => v, _ => 0L));

    public void CountLabels(TagSetRow row)
    {
        foreach (var (attribute, values) in Labels)
        {
            var value = row.Scores.GetValueOrDefault(attribute);
            values[value is not null && values.ContainsKey(value) ? value : NotScored]++;
        }
    }

    public DatasetReport Report(int k, bool frontalIncluded) => new(
        k, Patients, Sessions, TagSets, Images, GeneralisedPatients, SuppressedPatients, SuppressedTagSets, frontalIncluded,
        new Dictionary<string, int>(PatientsPerSplit));
}
