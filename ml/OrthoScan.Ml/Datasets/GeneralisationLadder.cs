namespace OrthoScan.Ml.Datasets;

/// <summary>
/// How a combination of quasi-identifiers that too few patients share is made coarser, one rung at a time. Each rung
/// applies to the combination the previous rungs produced, so patients who met on one rung stay together on the next:
/// <list type="number">
/// <item>aligner brand becomes "other";</item>
/// <item>practice region keeps only its country ("DE-BY" becomes "DE");</item>
/// <item>age band widens to "under_18" or "18_plus";</item>
/// <item>treatment type becomes "other";</item>
/// <item>practice region becomes "other";</item>
/// <item>age band becomes "any".</item>
/// </list>
/// A combination still shared by fewer than K patients after the last rung is suppressed.
/// </summary>
public static class GeneralisationLadder
{
    public const string Other = "other";
    public const string AnyAge = "any";
    public const string Unknown = "unknown";

    private static readonly Func<QuasiIdentifiers, QuasiIdentifiers>[] Rungs =
    [
        q => q with { AlignerBrand = Other },
        q => q with { PracticeRegion = CountryOf(q.PracticeRegion) },
        q => q with { AgeBand = WiderAgeBand(q.AgeBand) },
        q => q with { TreatmentType = Other },
        q => q with { PracticeRegion = Other },
        q => q with { AgeBand = AnyAge },
    ];

    public static int Height => Rungs.Length;

    /// <summary>The combination one rung coarser; <paramref name="rung"/> counts from 1.</summary>
    public static QuasiIdentifiers Climb(QuasiIdentifiers identifiers, int rung) => Rungs[rung - 1](identifiers);

    private static string CountryOf(string region)
    {
        var dash = region.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 ? region[..dash] : region;
    }

    private static string WiderAgeBand(string band) => band switch
    {
        "under_12" or "12_17" or "under_18" => "under_18",
        "18_29" or "30_44" or "45_plus" or "18_plus" => "18_plus",
        Unknown => Unknown,
        _ => AnyAge,
    };
}
