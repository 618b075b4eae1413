namespace OrthoScan.Ml.Datasets;

/// <summary>
/// What each combination of quasi-identifiers becomes in a dataset: itself, a generalised combination (see
/// <see cref="GeneralisationLadder"/>), or nothing (suppressed). Every combination the plan emits is shared by at least
/// <see cref="K"/> of the counted patients.
/// </summary>
public sealed class KAnonymityPlan
{
    private readonly IReadOnlyDictionary<QuasiIdentifiers, QuasiIdentifiers?> mapping;

    internal KAnonymityPlan(int k, IReadOnlyDictionary<QuasiIdentifiers, QuasiIdentifiers?> mapping, IReadOnlyList<QuasiIdentifierCount> emitted,
        int generalisedPatients, int suppressedPatients)
    {
        K = k;
        this.mapping = mapping;
        Emitted = emitted;
        GeneralisedPatients = generalisedPatients;
        SuppressedPatients = suppressedPatients;
    }

    public int K { get; }

    /// <summary>The combinations a dataset holds and how many counted patients each one covers (ordinal order).</summary>
    public IReadOnlyList<QuasiIdentifierCount> Emitted { get; }

    /// <summary>Counted patients whose combination was made coarser.</summary>
    public int GeneralisedPatients { get; }

    /// <summary>Counted patients left out because even the coarsest combination was shared by fewer than K.</summary>
    public int SuppressedPatients { get; }

    /// <summary>
    /// The combination to write for a patient, or null to leave the patient out: suppressed, or not counted when the
    /// plan was made (a patient the counts did not see could be the only one with that combination).
    /// </summary>
    public QuasiIdentifiers? Map(QuasiIdentifiers identifiers) => mapping.GetValueOrDefault(identifiers);

    /// <summary>Whether the patient's combination was made coarser (false for suppressed and unseen ones).</summary>
    public bool IsGeneralised(QuasiIdentifiers identifiers) => Map(identifiers) is { } mapped && mapped != identifiers;
}
