namespace OrthoScan.Ml.Datasets;

/// <summary>
/// Plans k-anonymity over the quasi-identifiers: a combination shared by at least K patients is kept; the patients of
/// every smaller combination climb <see cref="GeneralisationLadder"/> together, one rung at a time, with the counts
/// taken again after each rung (patients meeting on a coarser combination add up, also with patients already kept
/// there); whatever is still below K at the top is suppressed. Deterministic: the result depends only on the counts.
/// </summary>
public static class KAnonymity
{
    /// <summary>The smallest K a dataset may be written with.</summary>
    public const int MinimumK = 5;

    public static KAnonymityPlan Plan(IEnumerable<QuasiIdentifierCount> counts, int k)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, MinimumK);

        var patients = new Dictionary<QuasiIdentifiers, int>();
        foreach (var count in counts)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(count.Patients);
            patients[count.Identifiers] = patients.GetValueOrDefault(count.Identifiers) + count.Patients;
        }

        var current = patients.Keys.ToDictionary(q => q, q => q);
        for (var rung = 1; rung <= GeneralisationLadder.Height; rung++)
        {
            var small = Shared(current, patients).Where(c => c.Value < k).Select(c => c.Key).ToHashSet();
            if (small.Count == 0) break;
            foreach (var original in current.Keys.Where(o => small.Contains(current[o])).ToList())
            {
                current[original] = GeneralisationLadder.Climb(current[original], rung);
            }
        }

        var final = Shared(current, patients);
        var mapping = current.ToDictionary(c => c.Key, c => final[c.Value] >= k ? c.Value : (QuasiIdentifiers?)null);
        var emitted = final.Where(c => c.Value >= k)
            .Select(c => new QuasiIdentifierCount(c.Key, c.Value))
            .OrderBy(c => Key(c.Identifiers), StringComparer.Ordinal)
            .ToList();
        var generalised = mapping.Where(m => m.Value is { } q && q != m.Key).Sum(m => patients[m.Key]);
        var suppressed = mapping.Where(m => m.Value is null).Sum(m => patients[m.Key]);
        return new KAnonymityPlan(k, mapping, emitted, generalised, suppressed);
    }

    private static Dictionary<QuasiIdentifiers, int> Shared(Dictionary<QuasiIdentifiers, QuasiIdentifiers> current, Dictionary<QuasiIdentifiers, int> patients)
    {
        var shared = new Dictionary<QuasiIdentifiers, int>();
        foreach (var (original, now) in current)
        {
            shared[now] = shared.GetValueOrDefault(now) + patients[original];
        }

        return shared;
    }

    private static string Key(QuasiIdentifiers q) => $"{q.AgeBand}\u001f{q.TreatmentType}\u001f{q.AlignerBrand}\u001f{q.PracticeRegion}";
}
